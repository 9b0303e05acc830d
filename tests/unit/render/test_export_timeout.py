"""lib.render.images: a browser that stops answering is restarted once, then reported by name.

A fake kaleido stands in for the browser (lib.render.images._new_kaleido): it starts, answers,
hangs or dies as a test tells it, so every wait in the exporter runs for real in its own thread
and event loop, with timeouts of a fraction of a second.
"""

import asyncio
import threading
import time

import plotly.graph_objects as go
import pytest

from lib.evidence.exhibits import selection_exhibits
from lib.render import images
from lib.render.images import ImageExporter, ImageExportError, figure_image

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
TIMEOUT = 0.3


class FakeKaleido:
    """A kaleido whose every render does what `script` says next: "ok", "hang" or "fail"."""

    started: list["FakeKaleido"] = []
    script: list[str] = []
    hang_start = False

    def __init__(self, path: str):
        self.path = path
        self.closed = False
        self.renders = 0
        FakeKaleido.started.append(self)

    async def open(self):
        if FakeKaleido.hang_start:
            await asyncio.Event().wait()

    async def calc_fig(self, spec, opts):
        self.renders += 1
        action = FakeKaleido.script.pop(0) if FakeKaleido.script else "ok"
        if action == "hang":  # a browser whose renderer is gone: no answer, ever
            await asyncio.Event().wait()
        if action == "fail":
            raise ValueError("bad figure")
        return PNG

    async def close(self):
        self.closed = True


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """The path of a fake chromium (never run) whose browser is a FakeKaleido."""
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    FakeKaleido.started, FakeKaleido.script, FakeKaleido.hang_start = [], [], False
    monkeypatch.setattr(images, "_new_kaleido", FakeKaleido)
    yield str(path)
    assert str(path) not in images._shared  # the exporter let go of its browser


@pytest.fixture(scope="module")
def exhibit(dataset, table):
    return next(e for e in selection_exhibits(dataset, table, ["AML"]) if e.key == "sorafenib-flt3")


def figure() -> go.Figure:
    return go.Figure(go.Bar(x=["a"], y=[1]), layout=dict(height=300))


def test_an_answering_browser_draws_without_restart(fake):
    with ImageExporter(fake, timeout=TIMEOUT) as exporter:
        assert exporter.render(figure()) == PNG
    (browser,) = FakeKaleido.started
    assert browser.renders == 1 and browser.closed


def test_a_hung_browser_is_restarted_and_the_image_drawn(fake):
    FakeKaleido.script = ["hang"]
    with ImageExporter(fake, timeout=TIMEOUT) as exporter:
        started = time.monotonic()
        assert exporter.render(figure()) == PNG
        assert time.monotonic() - started < TIMEOUT + 5
    hung, fresh = FakeKaleido.started
    assert hung.closed and fresh.renders == 1 and fresh.closed


def browser_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "image-export-browser"}


def test_a_browser_hung_twice_names_the_exhibit(fake, exhibit, dataset):
    before = browser_threads()  # the session's real browser may run
    FakeKaleido.script = ["hang", "hang"]
    with ImageExporter(fake, timeout=TIMEOUT) as exporter:
        started = time.monotonic()
        with pytest.raises(ImageExportError) as raised:
            figure_image(exhibit, "png", exporter, dataset.info.version)
        assert time.monotonic() - started < 2 * TIMEOUT + 10
        message = str(raised.value)
        assert "exhibit sorafenib-flt3 (maintenance)" in message
        assert f"no image within {TIMEOUT:g} s" in message and "after a restart" in message
        # The exporter still works once the browser answers again (a third browser).
        assert exporter.render(figure()) == PNG
    assert len(FakeKaleido.started) == 3
    assert all(browser.closed for browser in FakeKaleido.started)
    # Nothing of the hung browsers keeps a thread waiting.
    time.sleep(0.2)
    assert browser_threads() <= before


def test_an_error_about_the_figure_is_raised_without_restart(fake):
    FakeKaleido.script = ["fail"]
    with ImageExporter(fake, timeout=TIMEOUT) as exporter:
        with pytest.raises(ValueError, match="bad figure"):
            exporter.render(figure())
    assert len(FakeKaleido.started) == 1


def test_a_browser_that_never_starts_is_reported_in_bounded_time(fake, monkeypatch):
    monkeypatch.setattr(images, "START_TIMEOUT_S", TIMEOUT)
    FakeKaleido.hang_start = True
    started = time.monotonic()
    with pytest.raises(ImageExportError, match="did not start within"):
        with ImageExporter(fake, timeout=TIMEOUT):
            pass
    assert time.monotonic() - started < TIMEOUT + 10


def test_exporters_on_one_chromium_share_its_browser(fake):
    with ImageExporter(fake, timeout=TIMEOUT) as first, ImageExporter(fake) as second:
        first.render(figure())
        second.render(figure(), width=500)
    assert len(FakeKaleido.started) == 1
