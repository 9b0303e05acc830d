"""Static images of the charts (PNG, SVG) with their context drawn in, from one kaleido browser.

Pure: no streamlit. `ImageExporter` keeps one headless chromium open for many images;
`figure_with_context` adds the caption (numbers, caveats, source, dataset version) to a copy.

Every wait on the browser is bounded. A browser can stop answering (its renderer gone, the
machine out of memory) while its process lives on: an image that does not come within the
exporter's `timeout` (RENDER_TIMEOUT_S) gets one more try in a freshly started browser (the old
one closed, or killed if it does not close), then an `ImageExportError` naming what was being
drawn (the exhibit's key, the centre chart). Starting and stopping the browser are bounded too.
The browser runs in a thread of its own with its own event loop, so a wait that gives up leaves
nothing blocked behind it.
"""

import asyncio
import atexit
import concurrent.futures
import hashlib
import json
import os
import signal
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Coroutine
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import kaleido
import plotly.graph_objects as go

from lib.evidence.escape import plotly_html
from lib.evidence.exhibits import Exhibit
from lib.evidence.text import seconds
from lib.i18n import _f
from lib.i18n.wrap import is_cjk
from lib.i18n.wrap import wrap as cjk_wrap
from lib.render import charts
from lib.render.text_metrics import label_width_px, text_width

DEFAULT_BROWSER = "/usr/bin/chromium"
BROWSER_ENV = "BROWSER_PATH"
DEFAULT_WIDTH = 1600
FORMATS = ("png", "svg")
CAPTION_FONT_SIZE = charts.LABEL_FONT_SIZE
CAPTION_NAME = "caption"
#: plotly.js spaces the lines of a text block 1.3 font sizes apart.
LINE_HEIGHT = 1.3
CAPTION_GAP = 18  # px between the figure as drawn in the app and its caption
CAPTION_PAD = 16  # px left of and below the caption
MEMO_SIZE = 64  # images an exporter remembers (decks of overlapping selections share charts)
#: Seconds to wait for one image (a chart takes well under one), and for the browser to start
#: (a few seconds on a busy machine) or to close before it is killed.
RENDER_TIMEOUT_S = 60.0
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
#: A browser that gave no answer is not asked politely for long before it is killed.
KILL_AFTER_S = 2.0

_PLOTLY_DEFAULT_HEIGHT = 450
_PLOTLY_DEFAULT_MARGIN = {"t": 100, "r": 80, "b": 80, "l": 80}


class ImageExportError(RuntimeError):
    """The browser that draws the images is missing, stopped or does not answer."""


class _NoAnswer(Exception):
    """A bounded wait on the browser ran out."""


def _new_kaleido(path: str) -> kaleido.Kaleido:
    """The kaleido browser object (called in the browser's own event loop). Kaleido's own
    per-image timeout is off: `_ExportBrowser` bounds every wait itself."""
    return kaleido.Kaleido(path=path, mathjax=False, timeout=None)


class _ExportBrowser:
    """One kaleido chromium driven from a thread of its own and its own event loop; each call
    waits at most the time it is given."""

    def __init__(self, path: str):
        self.path = path
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="image-export-browser", daemon=True
        )
        self._kaleido: Any = None
        self._stopped = False

    def start(self, timeout: float) -> None:
        self._thread.start()
        atexit.register(self.stop, STOP_TIMEOUT_S)  # the app never leaves its exporter
        try:
            self._call(self._open(), timeout)
        except _NoAnswer:
            self.stop(STOP_TIMEOUT_S)
            raise ImageExportError(
                f"the chromium at {self.path} did not start within {seconds(timeout)}"
            ) from None
        except Exception as error:
            self.stop(STOP_TIMEOUT_S)
            raise ImageExportError(
                f"the chromium at {self.path} did not start: {type(error).__name__}: {error}"
            ) from error

    async def _open(self) -> None:
        self._kaleido = _new_kaleido(self.path)  # kept first, so stop() can kill a hung start
        await self._kaleido.open()

    def _call(self, coroutine: Coroutine, timeout: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise _NoAnswer from None

    def alive(self) -> bool:
        """The loop runs and the browser process (if it has one yet) has not exited."""
        process = getattr(self._kaleido, "subprocess", None)
        return (
            not self._stopped
            and self._thread.is_alive()
            and (process is None or process.poll() is None)
        )

    def render(self, spec: dict, opts: dict, timeout: float) -> bytes:
        """The image, or _NoAnswer after `timeout` seconds."""
        return self._call(self._kaleido.calc_fig(spec, opts=opts), timeout)

    def stop(self, timeout: float) -> None:
        """Close the browser, killing it if it does not close within `timeout`; then end the
        loop and its thread. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        if self._kaleido is not None and self._thread.is_alive():
            try:
                self._call(self._kaleido.close(), timeout)
            except Exception:  # noqa: BLE001 - _NoAnswer, or a browser already gone: kill below
                pass
        self._kill()
        if self._thread.is_alive():
            try:
                self._call(_cancel_pending(), 2)
            except Exception:  # noqa: BLE001 - the loop is stopped below in any case
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
        if not self._thread.is_alive():
            self._loop.close()

    def _kill(self) -> None:
        """End the browser process this object started, with its helpers (they share its
        session on POSIX), if it still runs."""
        process = getattr(self._kaleido, "subprocess", None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (AttributeError, OSError):  # Windows has no killpg; or no such group
            process.kill()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


async def _cancel_pending() -> None:
    """Cancel every other task of the loop (a render stuck in the old browser) and let them end."""
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=1)


@dataclass
class _Shared:
    """The running browser for one chromium path, and how many open exporters use it."""

    browser: _ExportBrowser | None = None
    users: int = 0


# One browser per chromium path for the whole process, shared by the exporters open on it; one
# render at a time (a deck's images come one after another; the lock keeps answers in order).
_state_lock = threading.Lock()
_render_lock = threading.Lock()
_shared: dict[str, _Shared] = {}


def _started(path: str) -> _ExportBrowser:
    browser = _ExportBrowser(path)
    browser.start(START_TIMEOUT_S)
    return browser


class ImageExporter:
    """One headless chromium for many images: `with ImageExporter() as ex: ex.render(fig)`.

    It remembers its last MEMO_SIZE images, so an identical figure is drawn only once. Every
    image waits at most `timeout` seconds, twice (see the module's docstring).
    """

    def __init__(self, browser_path: str | None = None, timeout: float = RENDER_TIMEOUT_S):
        self.browser_path = browser_path or os.environ.get(BROWSER_ENV) or DEFAULT_BROWSER
        self.timeout = timeout
        self._open = False
        self._memo: OrderedDict[str, bytes] = OrderedDict()
        self._queue: concurrent.futures.ThreadPoolExecutor | None = None

    def __enter__(self) -> "ImageExporter":
        # A bad path would only fail inside the browser's thread: check it first.
        if not (os.path.isfile(self.browser_path) and os.access(self.browser_path, os.X_OK)):
            raise ImageExportError(
                f"no chromium at {self.browser_path}: install it (apt-get install chromium) or "
                f"set {BROWSER_ENV} to its path"
            )
        with _state_lock:
            shared = _shared.setdefault(self.browser_path, _Shared())
            if shared.browser is None:
                try:
                    shared.browser = _started(self.browser_path)
                except ImageExportError:
                    if shared.users == 0:
                        del _shared[self.browser_path]
                    raise
            shared.users += 1
        self._open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._open:
            return
        if self._queue is not None:  # images asked for and not collected are not drawn
            self._queue.shutdown(wait=True, cancel_futures=True)
            self._queue = None
        self._open = False
        with _state_lock:
            shared = _shared[self.browser_path]
            shared.users -= 1
            if shared.users == 0:
                del _shared[self.browser_path]
                if shared.browser is not None:
                    shared.browser.stop(STOP_TIMEOUT_S)

    def render(
        self,
        fig: go.Figure,
        fmt: str = "png",
        width: int | None = None,
        height: int | None = None,
        scale: float = 1,
        what: str = "an image",
    ) -> bytes:
        """The figure as PNG or SVG bytes, at its own layout size unless one is given.

        `width` defaults to the figure's `layout.width`, else 1600 px; `height` to its
        `layout.height` (the charts size themselves to their rows), else its template's.
        `what` names the image in an error ("exhibit sorafenib-flt3 (maintenance)").
        """
        if not self._open:
            raise ImageExportError("ImageExporter.render needs `with ImageExporter() as ...`")
        if fmt not in FORMATS:
            raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
        opts = dict(
            format=fmt,
            width=int(width or fig.layout.width or DEFAULT_WIDTH),
            height=int(height or figure_height(fig)),
            scale=scale,
        )
        spec = fig.to_json()
        key = hashlib.sha256((spec + json.dumps(opts)).encode()).hexdigest()
        with _render_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
            image = self._draw(json.loads(spec), opts, what)
            self._memo[key] = image
            if len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return image

    def render_soon(self, fig: go.Figure, fmt: str = "png", **options) -> concurrent.futures.Future:
        """`render` in a thread of the exporter's own, one image after another in the order
        asked: the caller goes on (laying out the next slide) while the browser draws. The
        future's result is the image's bytes, or the error `render` would raise."""
        if self._queue is None:
            self._queue = concurrent.futures.ThreadPoolExecutor(1, "image-export-queue")
        return self._queue.submit(self.render, fig, fmt, **options)

    def _draw(self, spec: dict, opts: dict, what: str) -> bytes:
        """One image, with one restart of the browser if it does not answer."""
        failure = ""
        for attempt in range(2):
            try:
                browser = self._browser(restart=attempt > 0)
            except ImageExportError as error:
                raise ImageExportError(f"{what}: {error}") from error
            try:
                return browser.render(spec, opts, self.timeout)
            except _NoAnswer:
                failure = f"no image within {seconds(self.timeout)}"
            except Exception as error:
                if browser.alive():
                    raise  # the browser answered: an error about this figure
                failure = f"the browser stopped ({type(error).__name__})"
        self._discard(browser)  # the next image starts a fresh one
        raise ImageExportError(
            f"{what}: the export browser gave {failure}, also after a restart; "
            f"check the chromium at {self.browser_path}"
        )

    def _discard(self, browser: _ExportBrowser) -> None:
        with _state_lock:
            shared = _shared[self.browser_path]
            if shared.browser is browser:
                shared.browser = None
        browser.stop(KILL_AFTER_S)

    def _browser(self, restart: bool) -> _ExportBrowser:
        """The shared browser, started afresh when asked or when it has stopped."""
        with _state_lock:
            shared = _shared[self.browser_path]
            if restart or shared.browser is None or not shared.browser.alive():
                old, shared.browser = shared.browser, None
                if old is not None:
                    old.stop(KILL_AFTER_S)
                shared.browser = _started(self.browser_path)
            return shared.browser


# --- context drawn into the image ------------------------------------------------------------


def figure_height(fig: go.Figure) -> int:
    """The height a figure draws at: its own, its template's, or plotly's default."""
    return int(_resolved(fig, "height") or _PLOTLY_DEFAULT_HEIGHT)


def figure_with_context(
    fig: go.Figure, caption_lines: list[str], width: int | None = None
) -> go.Figure:
    """A copy of `fig` with the caption lines drawn below it, the chart itself unchanged.

    The image grows by the caption's height; the plot area, legend and title keep their pixel
    positions. Lines are HTML-escaped and wrapped to `width` (default: the figure's, else 1600).
    """
    width = int(width or fig.layout.width or DEFAULT_WIDTH)
    height = figure_height(fig)
    lines = [
        wrapped
        for line in caption_lines
        for part in str(line).splitlines()
        for wrapped in wrap_text(part, (width - 2 * CAPTION_PAD) / CAPTION_FONT_SIZE)
    ]
    caption_height = round(CAPTION_GAP + len(lines) * CAPTION_FONT_SIZE * LINE_HEIGHT + CAPTION_PAD)
    total = height + caption_height
    top = _margin(fig, "t")
    right = _margin(fig, "r")
    copy = go.Figure(fig)
    layout: dict = dict(width=width, height=total)
    title_y = _resolved(fig, "title", "y")
    if _resolved(fig, "title", "yref") in (None, "container") and isinstance(title_y, float | int):
        layout["title_y"] = 1 - (1 - title_y) * height / total
    if _legend_in_container(fig):
        # A container-anchored legend reserves its margin in addition to the axes' margin, so
        # lifting it by the caption's height keeps the plot area exactly as it was.
        layout["legend_y"] = (_resolved(fig, "legend", "y") * height + caption_height) / total
    else:
        layout["margin_b"] = _margin(fig, "b") + caption_height
    copy.update_layout(**layout)
    # Anchored to the plot area's top right corner, whose pixel position only the figure's own
    # top and right margins decide (the left and bottom ones grow with the axis labels).
    copy.add_annotation(
        name=CAPTION_NAME,
        text="<br>".join(plotly_html(line) for line in lines) if lines else " ",
        xref="paper",
        x=1,
        xanchor="left",
        xshift=-(width - right) + CAPTION_PAD,
        yref="paper",
        y=1,
        yanchor="top",
        yshift=-(height - top + CAPTION_GAP),
        align="left",
        showarrow=False,
        font=dict(family=charts.FONT, size=CAPTION_FONT_SIZE, color=charts.TEXT_COLOR),
    )
    copy.add_shape(
        name=CAPTION_NAME,
        type="line",
        xref="paper",
        xsizemode="pixel",
        xanchor=1,
        x0=-(width - right) + CAPTION_PAD,
        x1=right - CAPTION_PAD,
        yref="paper",
        ysizemode="pixel",
        yanchor=1,
        y0=-(height - top + CAPTION_GAP / 2),
        y1=-(height - top + CAPTION_GAP / 2),
        line=dict(color=charts.GRID_COLOR, width=1),
    )
    return copy


def caption_lines(exhibit: Exhibit, dataset_version: str, key_numbers: bool = True) -> list[str]:
    """The context an exhibit's image carries: key numbers, caveats, source, dataset version."""
    lines = list(exhibit.key_numbers) if key_numbers else []  # joined where they were made
    if exhibit.badges:
        caveats = " · ".join(badge.label for badge in exhibit.badges)
        lines.append(_f("Caveats: {caveats}", caveats=caveats))
    lines.append(exhibit.source_line)
    lines.append(
        _f(
            "Phasewise dataset v{version} · full citations in the dashboard's Sources page and "
            "the deck's notes",
            version=dataset_version,
        )
    )
    return lines


def for_image(fig: go.Figure, width: int) -> go.Figure:
    """A copy of `fig` laid out for an image `width` px wide: a bar chart's categories wrapped
    to their groups' width there (upright where every word fits), its printed p values in one
    row where they fit, its value axis no higher than the labels above the bars need at that
    size (the chart builders lay the groups out for a card's narrowest width)."""
    fig = go.Figure(fig)
    if _resolved(fig, "barmode") != "group":
        return fig
    fig.update_layout(width=width)
    _fit_categories(fig)
    _fit_labels_above_bars(fig)
    return fig


def figure_image(
    exhibit: Exhibit,
    fmt: str,
    exporter: ImageExporter,
    dataset_version: str,
    *,
    width: int = DEFAULT_WIDTH,
    scale: float = 1,
    key_numbers: bool = True,
) -> bytes:
    """The exhibit's chart with its context, as PNG or SVG bytes (ValueError without a chart)."""
    if exhibit.chart is None:
        raise ValueError(f"exhibit {exhibit.key} ({exhibit.phase}) has no chart")
    fig = for_image(charts.draw(exhibit.chart), width)
    context = figure_with_context(fig, caption_lines(exhibit, dataset_version, key_numbers), width)
    what = f"exhibit {exhibit.key} ({exhibit.phase})"
    return exporter.render(context, fmt, width=width, scale=scale, what=what)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# --- text ------------------------------------------------------------------------------------


def wrap_text(text: str, width_em: float) -> list[str]:
    """Words of `text` in lines no wider than `width_em` (a longer word gets its own line).

    Text with Chinese in it breaks by the rules of Chinese line breaking (lib.i18n.wrap):
    between characters, never before ，。、；：） or after （, Latin words kept whole."""
    if any(is_cjk(char) for char in text):
        return [line for line in cjk_wrap(text, width_em, text_width) if line]
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word) <= width_em:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _resolved(fig: go.Figure, *path: str):
    """A layout attribute as set on the figure, else as its template sets it (else None)."""
    for layout in (fig.layout, fig.layout.template.layout if fig.layout.template else None):
        node = layout
        for key in path:
            node = None if node is None else getattr(node, key, None)
        if node is not None:
            return node
    return None


def _margin(fig: go.Figure, side: str) -> float:
    value = _resolved(fig, "margin", side)
    return _PLOTLY_DEFAULT_MARGIN[side] if value is None else value


def _legend_in_container(fig: go.Figure) -> bool:
    """True when the legend is drawn and anchored to the bottom of the whole image."""
    shown = _resolved(fig, "showlegend")
    if shown is None:
        shown = sum(trace.showlegend is not False for trace in fig.data) > 1
    return (
        bool(shown)
        and _resolved(fig, "legend", "yref") == "container"
        and (_resolved(fig, "legend", "yanchor") == "bottom")
        and (isinstance(_resolved(fig, "legend", "y"), float | int))
    )


# --- a chart drawn for a slide ---------------------------------------------------------------

#: A slide's chart is drawn at the size it is placed, one CSS pixel per point (72 px per inch),
#: so a font of s px prints at s pt; kaleido's `scale` adds the pixel density.
SLIDE_DPI = 72
#: The smallest text of a slide's chart, in points as placed (tick, bar and value labels).
SLIDE_MIN_FONT = 14
#: The type of a slide's chart in points as placed: everything.
SLIDE_FONT = 14
#: Top margin of a slide's chart, which has no title of its own (the slide's heading names it,
#: as in presentation mode): room for a forest plot's column headings, else a little air.
SLIDE_TOP = {True: 34, False: 12}
#: plotly.js's default font size, where neither the figure nor its template sets one.
_PLOTLY_FONT = 12


def figure_fonts(fig: go.Figure) -> dict[str, float]:
    """Every text of the figure that is drawn, by where it is, with the font size (px) it is
    drawn in: the size set on it, else the size it inherits (plotly.js's rules: a legend
    title 1.2 times the legend's, everything else the layout's font)."""
    base = _resolved(fig, "font", "size") or _PLOTLY_FONT
    sizes: dict[str, float] = {}
    if _resolved(fig, "title", "text"):
        sizes["title"] = _resolved(fig, "title", "font", "size") or base * 1.4
    for axis in ("xaxis", "yaxis"):
        if _resolved(fig, axis, "showticklabels") is not False:
            sizes[f"{axis} ticks"] = _resolved(fig, axis, "tickfont", "size") or base
        if _resolved(fig, axis, "title", "text"):
            sizes[f"{axis} title"] = _resolved(fig, axis, "title", "font", "size") or base
    shown = _resolved(fig, "showlegend")
    if shown is None:
        shown = sum(trace.showlegend is not False for trace in fig.data) > 1
    if shown:
        legend = _resolved(fig, "legend", "font", "size") or base
        sizes["legend"] = legend
        if _resolved(fig, "legend", "title", "text"):
            sizes["legend title"] = _resolved(fig, "legend", "title", "font", "size") or (
                legend * 1.2
            )
    for index, note in enumerate(fig.layout.annotations or ()):
        if note.visible is not False and str(note.text or "").strip():
            size = note.font.size if note.font and note.font.size else base
            sizes[f"annotation {index} ({note.name or ''})"] = size
    for index, trace in enumerate(fig.data):
        shown = getattr(trace, "textposition", None) not in (None, "none")
        if getattr(trace, "text", None) is not None and shown:
            font = getattr(trace, "textfont", None)
            sizes[f"trace {index} text"] = (font.size if font and font.size else None) or base
    return sizes


def slide_figure(fig: go.Figure, width_in: float, height_in: float) -> go.Figure:
    """A copy of `fig` laid out to be drawn `width_in` x `height_in` inches at SLIDE_DPI and
    placed at that size: every text SLIDE_FONT pt, no title (the slide's heading names the
    chart, and the chart's title stays in its alt text), the rows of a horizontal chart
    re-wrapped wider where their lines would not fit its height, a bar chart's categories
    wrapped to their width and its value axis raised so the labels stacked above its bars stay
    inside the plot, a forest plot's rows named in their slide words. `slide_fits` says
    whether it all fitted."""
    # Whole pixels, never wider or taller than the room: placed at px / SLIDE_DPI inches.
    width, height = int(width_in * SLIDE_DPI + 1e-6), int(height_in * SLIDE_DPI + 1e-6)
    px = SLIDE_DPI / 72  # pixels per point
    body = SLIDE_FONT * px
    header = any(note.name == "header" for note in fig.layout.annotations or ())
    copy = go.Figure(fig)
    copy.update_layout(width=width, height=height, margin_t=SLIDE_TOP[header], title_text="")
    copy.update_layout(
        {
            "font.size": body,
            "legend.font.size": body,
            "legend.title.font.size": body,
            **{f"{axis}.tickfont.size": body for axis in ("xaxis", "yaxis")},
            **{f"{axis}.title.font.size": body for axis in ("xaxis", "yaxis")},
        }
    )
    for note in copy.layout.annotations or ():
        note.font.size = body
    groups = _resolved(fig, "xaxis", "categoryarray")
    words = (fig.layout.meta or {}).get("slide_categories")
    if groups and words:  # an arm chart's groups in fewer words (charts._slide_category)
        _rename(copy, "x", dict(zip(groups, words, strict=True)))
    rows = _resolved(fig, "yaxis", "categoryarray")
    short = (fig.layout.meta or {}).get("slide_ticktext")
    if rows and short:  # a forest plot's rows in fewer words (charts._slide_row_labels)
        _rename(copy, "y", dict(zip(rows, short, strict=True)))
        rows = list(short)
    if rows and all(trace.orientation == "h" or trace.type == "scatter" for trace in fig.data):
        fits = _fit_rows(copy, list(rows), body)
    elif _resolved(fig, "barmode") == "group":
        _fit_categories(copy)
        fits = _fit_labels_above_bars(copy)
    else:
        fits = True
    copy.layout.meta = {**(copy.layout.meta or {}), "slide_fits": fits}
    return copy


#: A bar chart in the printed handout is drawn at the page's printable width at the shortest of
#: these heights (px, 96 per inch) at which its labels fit, in SLIDE_FONT px type (10.5 pt).
PRINTED_HEIGHTS = (360, 400, 460, 540)


def printed_figure(fig: go.Figure, width_px: int) -> go.Figure:
    """A copy of a bar chart for the printed handout: laid out as for a slide (`slide_figure`)
    at `width_px` and the shortest of PRINTED_HEIGHTS at which every label fits (the tallest
    where none does): a page then holds its chart in about two thirds of the height the card's
    screen chart took, with larger type."""
    for height in PRINTED_HEIGHTS:
        printed = slide_figure(fig, width_px / SLIDE_DPI, height / SLIDE_DPI)
        if slide_fits(printed):
            break
    return printed


def slide_fits(fig: go.Figure) -> bool:
    """Whether `slide_figure` fitted every row and label into the figure's size."""
    return bool((fig.layout.meta or {}).get("slide_fits", True))


def _size(fig: go.Figure, *path: str) -> float:
    """A font size set on the figure or its template (`path` ends at a font's parent, or at a
    tickfont), else 0."""
    if path[-1] == "tickfont":
        return _resolved(fig, *path, "size") or 0
    return _resolved(fig, *path, "font", "size") or 0


def _plot_height(fig: go.Figure, bottom: float) -> float:
    return figure_height(fig) - _margin(fig, "t") - bottom


def _legend_rows_height(fig: go.Figure) -> float:
    legend = _resolved(fig, "legend", "font", "size") or _PLOTLY_FONT
    title = 1 if _resolved(fig, "legend", "title", "text") else 0
    return (title + 1) * legend * 1.6 + 10


def _fit_rows(fig: go.Figure, rows: list[str], size: float) -> bool:
    """Re-wrap the row labels (y categories) so every row's lines fit the plot's height, the
    labels no wider than ROW_LABEL_SHARE of the figure."""
    line = size * 1.25
    bottom = 2 * line + 40 + _legend_rows_height(fig)  # ticks, axis title, notes under it
    most = max(1, int((_plot_height(fig, bottom) / len(rows) - 6) // line))
    widest = ROW_LABEL_SHARE * (fig.layout.width or DEFAULT_WIDTH)
    chars = 30
    new = rows
    while max(r.count("<br>") + 1 for r in new) > most:
        wider = [_rewrap(r, chars + 4) for r in rows]
        if max(label_width_px(r, size) for r in wider) > widest:
            break
        chars, new = chars + 4, wider
    _rename(fig, "y", dict(zip(rows, new, strict=True)))
    # What the labels and the right margin leave for the bars or estimates and their ticks.
    room = (fig.layout.width or DEFAULT_WIDTH) - _margin(fig, "r") - 30
    room -= max(label_width_px(r, size) for r in new)
    bars = any(trace.type == "bar" for trace in fig.data)
    return max(r.count("<br>") + 1 for r in new) <= most and room >= ROW_PLOT_WIDTH[bars]


#: The widest a slide chart's row labels may be, as a share of the figure's width.
ROW_LABEL_SHARE = 0.45
#: The narrowest plot (px = pt) a horizontal chart's ticks need on a slide, without bars and
#: with (their axis runs on to 175 for the values written beside them); narrower, Plotly turns
#: the tick labels and the rows lose height.
ROW_PLOT_WIDTH = {False: 150, True: 240}


def _rename(fig: go.Figure, axis: str, mapping: dict[str, str]) -> None:
    """Rename the categories of an axis (x or y) in the axis, the traces and the annotations."""
    if all(old == new for old, new in mapping.items()):
        return
    layout_axis = fig.layout.xaxis if axis == "x" else fig.layout.yaxis
    layout_axis.categoryarray = [mapping.get(c, c) for c in layout_axis.categoryarray]
    for trace in fig.data:
        values = getattr(trace, axis)
        if values is not None and not isinstance(values, str):
            setattr(trace, axis, [mapping.get(v, v) if isinstance(v, str) else v for v in values])
    for note in fig.layout.annotations or ():
        if getattr(note, f"{axis}ref") in (None, axis) and getattr(note, axis) in mapping:
            setattr(note, axis, mapping[getattr(note, axis)])


def _fit_categories(fig: go.Figure) -> None:
    """Re-wrap a bar chart's x categories to the width each group has on the slide or image
    (fewer lines under the axis, a taller plot), upright where every word fits its group
    (labels turned to read upwards for a card's narrow groups stay turned where not)."""
    categories = list(_resolved(fig, "xaxis", "categoryarray") or ())
    if not categories:
        return
    size = _resolved(fig, "xaxis", "tickfont", "size") or _PLOTLY_FONT
    plot = (fig.layout.width or DEFAULT_WIDTH) - _margin(fig, "r") - 90
    group = plot / len(categories)
    if max(charts.widest_word_em(_plain(c)) for c in categories) * size > group - 8:
        return
    fig.update_xaxes(tickangle=0)
    chars = max(12, int(group * 0.9 / (size * 0.56)))
    _rename(fig, "x", {c: _rewrap(c, chars) for c in categories})
    # Printed p values staggered over a card's narrow groups: back in one row where each fits.
    printed = [n for n in fig.layout.annotations or () if n.name == "p"]
    p_size = max((n.font.size or size for n in printed), default=size)
    if printed and all(
        charts.widest_word_em(_plain(n.text)) * p_size <= group - 6 for n in printed
    ):
        lowest = min(n.yshift or 0 for n in printed)
        for note in printed:
            note.yshift = lowest
    # The printed p above each group, in italics: no wider than its group (by the one width
    # estimator: "均有统计学差异" over two neighbouring groups ran together at `chars`).
    for note in fig.layout.annotations or ():
        text = str(note.text or "")
        if note.name == "p" and text.startswith("<i>") and text.endswith("</i>"):
            lines = charts.wrap_em(_plain(text[3:-4]), (group - 6) / p_size)
            note.text = "<i>" + "<br>".join(lines) + "</i>"


def _plain(label: str) -> str:
    """A wrapped label on one line: its lines joined by a space, or by nothing where the break
    fell beside a Chinese character (Chinese has no spaces between words)."""
    lines = str(label).split("<br>")
    out = lines[0]
    for line in lines[1:]:
        cjk_join = (out and is_cjk(out[-1])) or (line and is_cjk(line[0]))
        out += ("" if cjk_join else " ") + line
    return out


def _rewrap(label: str, chars: int) -> str:
    """A chart's wrapped label (parts joined by " · ", lines split by <br>) wrapped at `chars`."""
    return "<br>".join(charts.wrap_label(_plain(label), chars))


#: The most of a bar chart's plot height the labels stacked above its bars may take.
LABELS_SHARE = 0.72


def _fit_labels_above_bars(fig: go.Figure) -> bool:
    """Raise the value axis so every label stacked above a group's bars (placed at a bar's top,
    then shifted up by pixels) ends inside the plot at the figure's height (from HEADROOM over
    the tallest group: the builder raised it for a card's plot height)."""
    ticks = _resolved(fig, "xaxis", "tickfont", "size") or _PLOTLY_FONT
    ticklines = max(
        (str(c).count("<br>") + 1 for c in (_resolved(fig, "xaxis", "categoryarray") or ())),
        default=1,
    )
    below = ticklines * ticks * 1.25 + 14
    if _resolved(fig, "xaxis", "tickangle") == -90:  # labels turned to read upwards
        categories = _resolved(fig, "xaxis", "categoryarray") or ("",)
        below = max(label_width_px(c, ticks) for c in categories) + 12
    plot = _plot_height(fig, below + _legend_rows_height(fig))
    tops = [n.y for n in fig.layout.annotations or () if n.name == "value"]
    percent = list(_resolved(fig, "yaxis", "tickvals") or ())[-1:] == [100]
    span = [0, charts.HEADROOM * (100 if percent or not tops else max(tops))]
    need, fits = span[1], True
    for note in fig.layout.annotations or ():
        if note.yref not in (None, "y") or note.y is None:
            continue
        lines = str(note.text).count("<br>") + 1
        above = (note.yshift or 0) + lines * note.font.size * 1.3 + 4
        # The labels may take at most LABELS_SHARE of the plot's height (the bars the rest).
        if above > LABELS_SHARE * plot:
            fits = False
            continue
        need = max(need, (note.y - span[0]) / (1 - above / plot) + span[0])
    fig.update_yaxes(range=[span[0], need])
    if plot < 160 and _resolved(fig, "yaxis", "tickvals") is not None:
        fig.update_yaxes(tickvals=[0, 50, 100])  # ticks 20 apart would touch
    return fits
