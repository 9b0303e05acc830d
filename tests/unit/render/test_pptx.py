"""lib.render.pptx and lib.deck: each selection's .pptx, opened again with python-pptx; the CLI.

Each selection's deck is built once per module with one exporter (one chromium, shared with
test_images).
"""

import subprocess
import sys

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt

from lib.evidence.text import integrative_note
from lib.export import deck_filename
from lib.render.cohort_slides import LOCAL_DATA
from lib.render.pptx import BODY_SIZES, DECK_TITLE, REFERENCES_TITLE, TITLE_MIN_SIZE
from tests.unit.conftest import REPO_ROOT

#: One worker builds the decks (tests/conftest.py), so each is built once per run.
pytestmark = pytest.mark.xdist_group("decks")

#: One disease and every disease (the session's decks, tests/conftest.py).
SELECTIONS = [["MDS"], ["AML", "MDS", "ALL"]]
IDS = ["-".join(s) for s in SELECTIONS]


@pytest.fixture(scope="module")
def decks(built_deck):
    """selection -> (its exhibits, the deck reopened, how many centre slides it has). The
    session's decks carry the demo centre's slides, each marked as local data."""
    cache: dict[tuple[str, ...], tuple] = {}

    def get(selection: list[str]):
        key = tuple(selection)
        if key not in cache:
            deck = built_deck("en", key)
            prs = deck.presentation()
            centre = sum(
                any(LOCAL_DATA in s.text_frame.text for s in page.shapes if s.has_text_frame)
                for page in prs.slides
            )
            cache[key] = (deck.exhibits, prs, centre)
        return cache[key]

    return get


def texts(page) -> list[str]:
    return [shape.text_frame.text for shape in page.shapes if shape.has_text_frame]


def notes(page) -> str:
    return page.notes_slide.notes_text_frame.text


def references_pages(prs) -> list:
    return [
        p
        for p in prs.slides
        if p.shapes.title is not None and p.shapes.title.text.startswith(REFERENCES_TITLE)
    ]


@pytest.mark.parametrize("selection", SELECTIONS, ids=IDS)
def test_one_slide_per_figure_between_title_and_references(selection, decks):
    deck_slides, prs, centre = decks(selection)
    references = references_pages(prs)
    assert references
    assert len(prs.slides) == 1 + len(deck_slides) + centre + len(references)
    if len(references) > 2:  # a third page only once the list is at the smallest body size
        sizes = {
            run.font.size
            for page in references
            for shape in page.shapes
            if shape.has_text_frame and shape != page.shapes.title
            for paragraph in shape.text_frame.paragraphs
            for run in paragraph.runs
        }
        assert sizes == {Pt(BODY_SIZES[-1])}
    assert list(prs.slides)[-len(references) :] == references
    assert prs.slide_width == Pt(960) and prs.slide_height == Pt(540)  # 13.333 x 7.5 in


@pytest.mark.parametrize("selection", SELECTIONS, ids=IDS)
def test_title_slide_names_selection_and_dataset_version(selection, decks, dataset):
    _, prs, _ = decks(selection)
    text = "\n".join(texts(prs.slides[0]))
    assert DECK_TITLE in text
    assert ", ".join(selection) in text
    assert dataset.info.version in text and dataset.info.last_reviewed.isoformat() in text
    assert "machine-translated" in text


@pytest.mark.parametrize("selection", SELECTIONS, ids=IDS)
def test_figure_slides_have_title_chart_numbers_and_notes(selection, decks):
    deck_slides, prs, centre = decks(selection)
    assert len(prs.slides) == 1 + len(deck_slides) + centre + len(references_pages(prs))
    for slide, page in zip(deck_slides, list(prs.slides)[1:], strict=False):
        assert page.shapes.title.text == slide.slide_title
        pictures = [s for s in page.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == (0 if slide.chart is None else 1), slide.title
        on_slide = "\n".join(texts(page))
        assert slide.phase_label in on_slide
        assert slide.source_line in on_slide
        for badge in slide.badges:
            assert badge.label in on_slide
        page_notes = notes(page)
        for citation in slide.citations:
            assert citation in page_notes
        assert integrative_note(slide.notes) in page_notes
        for number in (*slide.key_numbers, *slide.statements):
            assert number in page_notes


@pytest.mark.parametrize("selection", SELECTIONS, ids=IDS)
def test_references_list_every_citation_once_in_order(selection, decks):
    deck_slides, prs, _ = decks(selection)
    cited = list(dict.fromkeys(c for s in deck_slides for c in s.citations))
    listed = [
        line
        for page in references_pages(prs)
        for shape in page.shapes
        if shape.has_text_frame and shape != page.shapes.title
        for line in shape.text_frame.text.split("\n")
    ]
    assert listed == [f"{i}. {c}" for i, c in enumerate(cited, start=1)]


@pytest.mark.parametrize("selection", SELECTIONS, ids=IDS)
def test_shapes_stay_on_the_slide_in_readable_type(selection, decks):
    _, prs, _ = decks(selection)
    for page in prs.slides:
        title = page.shapes.title
        for shape in page.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width
            assert shape.top + shape.height <= prs.slide_height
            if not shape.has_text_frame or not shape.text_frame.text:
                continue
            sizes = [run.font.size for p in shape.text_frame.paragraphs for run in p.runs]
            assert all(size is not None for size in sizes)
            # A title of more than two lines at 28 pt is set smaller, never under 22 pt.
            assert min(sizes) >= Pt(TITLE_MIN_SIZE if shape == title else 12), shape.text_frame.text


def test_truncated_figure_is_shown_as_printed(decks):
    deck_slides, prs, _ = decks(["AML", "MDS", "ALL"])
    index, slide = next(
        (i, s) for i, s in enumerate(deck_slides, start=1) if s.key == "venhma-bridge"
    )
    assert any("P=0. (truncated in source)" in n for n in slide.key_numbers)
    assert "P=0. (truncated in source)" in "\n".join(texts(prs.slides[index]))


def test_deck_filename_names_selection_and_version():
    assert deck_filename(["AML", "MDS"], "1.0.0") == "phasewise-AML-MDS-v1.0.0.pptx"
    assert deck_filename(["ALL", "AML", "AML"], "1.0.0") == "phasewise-AML-ALL-v1.0.0.pptx"
    assert deck_filename(["MDS"], "2/0 beta") == "phasewise-MDS-v2_0_beta.pptx"


def run_deck(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib.deck", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_cli_writes_the_deck(tmp_path):
    out = tmp_path / "deck.pptx"
    result = run_deck("--disease", "MDS", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout and "slides in" in result.stdout
    prs = Presentation(str(out))
    assert f"{len(prs.slides)} slides" in result.stdout
    assert "MDS" in "\n".join(texts(prs.slides[0]))


def test_cli_reports_bad_data_without_a_traceback(data_copy, tmp_path):
    (data_copy / "outcomes.yaml").write_text("outcomes: [\n", encoding="utf-8")
    out = tmp_path / "deck.pptx"
    result = run_deck("--out", str(out), str(data_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "outcomes.yaml" in result.stderr
    assert not out.exists()
