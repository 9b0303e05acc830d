"""Command line for the slide deck of a disease selection.

python -m lib.deck [--disease AML ...] [--lang en|zh] [--out deck.pptx] [DATA_DIR]

The deck (data, slides, notes, charts) is built in the language given (English by default);
the default file name of a Chinese deck ends -zh.pptx. This command's own messages are English.
"""

import argparse
import io
import sys
import time
from pathlib import Path

from pptx import Presentation

from lib.dataset.loading import data_dir_from_env, load_or_report
from lib.dataset.vocabulary import DISEASES
from lib.evidence import text as fmt
from lib.evidence.figures import figure_table
from lib.evidence.selection import ordered_diseases
from lib.export import deck_filename
from lib.i18n import SOURCE_LANGUAGE, SUPPORTED, using_language
from lib.render.images import ImageExportError
from lib.render.pptx import build_deck


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.deck", description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=None)
    parser.add_argument(
        "--disease", action="append", choices=DISEASES, help="repeat for several; default all"
    )
    parser.add_argument(
        "--lang", choices=SUPPORTED, default=SOURCE_LANGUAGE, help="the deck's language; default en"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the .pptx to write; default phasewise-<selection>-v<version>[-zh].pptx",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with using_language(args.lang):
        ds = load_or_report(args.data_dir or data_dir_from_env(), sys.stderr, lang=args.lang)
        if ds is None:
            return 1
        diseases = ordered_diseases(args.disease or list(DISEASES))
        out = args.out or Path(deck_filename(diseases, ds.info.version, args.lang))
        try:
            data = build_deck(ds, figure_table(ds), diseases)
            out.write_bytes(data)
        except (ImageExportError, OSError) as error:
            print(f"could not build the deck: {error}", file=sys.stderr)
            return 1
    count = len(Presentation(io.BytesIO(data)).slides)
    print(f"{out}: {count} slides in {fmt.seconds(time.perf_counter() - started, 1)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
