"""Command line: a cohort file's landmark estimates as CSV or JSON, or every problem with it.

    python -m lib.cohort FILE [--times 12,24,36] [--format csv|json] [--sheet NAME] [--lang en|zh]

Exit 0 with the estimates on stdout (warnings on stderr for CSV); exit 1 with one line per problem
on stderr (`row N: column: message`, or `file: message`); exit 2 when the file is refused as
identifying. A usage error exits 1 too, so that 2 always means a privacy refusal.

`--lang zh` writes the messages, notes, warnings, methods and the CSV's header row in Chinese
(`第 N 行：column：message`); the numbers, codes and JSON keys are the same in both languages.
"""

import argparse
import sys

from lib.cohort.columns import MAX_MONTHS
from lib.cohort.estimates import DEFAULT_LANDMARKS, estimate_cohort
from lib.cohort.export import estimates_json, landmarks_csv
from lib.cohort.loading import load_cohort_file
from lib.cohort.problems import CohortRejected, file_problem
from lib.cohort.records import group_text
from lib.evidence import text as fmt
from lib.i18n import SOURCE_LANGUAGE, SUPPORTED, _, _f, using_language

EXIT_OK, EXIT_PROBLEMS, EXIT_REFUSED = 0, 1, 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would exit 2, the code that means "refused"
        raise _UsageError(message)


def parse_times(text: str) -> tuple[float, ...]:
    """'12,24,36' -> (12.0, 24.0, 36.0); ValueError with a readable message otherwise."""
    times = []
    for part in text.split(","):
        try:
            month = float(part.strip())
        except ValueError:
            raise ValueError(
                _f("'{value}' is not a number of months", value=part.strip())
            ) from None
        if not 0 < month <= MAX_MONTHS:
            raise ValueError(
                _f(
                    "{value} months is outside 0-{most}",
                    value=part.strip(),
                    most=fmt.plain(MAX_MONTHS),
                )
            )
        times.append(month)
    return tuple(sorted(set(times)))


def _language(argv: list[str] | None) -> str:
    """The --lang asked for, read before the rest so that the help and messages use it; English
    when absent or not supported (the full parser then reports a wrong value)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", default=SOURCE_LANGUAGE)
    known, _rest = early.parse_known_args(argv)
    return known.lang if known.lang in SUPPORTED else SOURCE_LANGUAGE


def _parser() -> _Parser:
    parser = _Parser(
        prog="python -m lib.cohort",
        description=_(
            "A cohort file's landmark estimates as CSV or JSON, or every problem with it "
            "(names, dates and ID numbers are refused)."
        ),
    )
    parser.add_argument(
        "file", help=_("the cohort file: CSV (UTF-8 or GB18030), .xlsx (also .xls, .ods)")
    )
    default_times = ",".join(fmt.plain(month) for month in DEFAULT_LANDMARKS)
    parser.add_argument(
        "--times",
        default=default_times,
        help=_f(
            "landmark times in months, comma-separated (default: {times})", times=default_times
        ),
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--sheet", help=_("the workbook sheet to read (needed with several)"))
    parser.add_argument(
        "--lang",
        choices=SUPPORTED,
        default=SOURCE_LANGUAGE,
        help=_("the language of the messages and the CSV header (default: en)"),
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    with using_language(_language(argv)):
        return _run(argv)


def _run(argv: list[str] | None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        times = parse_times(args.times)
    except _UsageError as error:
        print(
            f"{parser.format_usage().strip()}\n" + _f("error: {error}", error=error),
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    except ValueError as error:
        print(_f("option --times: {error}", error=error), file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        cohort = load_cohort_file(args.file, sheet=args.sheet, sheet_option="--sheet")
        estimates = estimate_cohort(cohort, times, curves=False)
    except CohortRejected as rejection:
        for problem in rejection.problems:
            print(problem, file=sys.stderr)
        return EXIT_REFUSED if rejection.privacy else EXIT_PROBLEMS
    except Exception:
        # A traceback could quote a patient's cell; say only that it failed.
        print(
            file_problem(_("could not be processed (an internal error; no content shown)")),
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    if args.format == "json":
        print(estimates_json(estimates))
        return EXIT_OK
    sys.stdout.write(landmarks_csv(estimates))
    for note in cohort.notes:
        print(_f("note: {note}", note=note), file=sys.stderr)
    for landmark in estimates.landmarks:
        for warning in landmark.warnings:
            print(
                _f(
                    "warning: {disease} {phase} group {group} {endpoint} at {months} months: "
                    "{warning}",
                    disease=landmark.disease,
                    phase=landmark.phase,
                    group=repr(group_text(landmark.group)),
                    endpoint=landmark.endpoint,
                    months=fmt.plain(landmark.months),
                    warning=warning,
                ),
                file=sys.stderr,
            )
    return EXIT_OK
