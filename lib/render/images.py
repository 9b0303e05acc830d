"""Static images of the charts (PNG, SVG) with their context drawn in, from one kaleido browser.

Pure: no streamlit. `ImageExporter` keeps one headless chromium open for many images;
`figure_with_context` adds the caption (numbers, caveats, source, dataset version) to a copy.
"""

import hashlib
import json
import os
import threading
import unicodedata
from collections import OrderedDict
from types import TracebackType

import kaleido
import plotly.graph_objects as go

from lib.evidence.escape import plotly_html
from lib.evidence.exhibits import Exhibit
from lib.evidence.text import join_split_digits
from lib.render import charts

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

_PLOTLY_DEFAULT_HEIGHT = 450
_PLOTLY_DEFAULT_MARGIN = {"t": 100, "r": 80, "b": 80, "l": 80}
# kaleido's sync server is one process-wide browser: count the exporters using it, and let one
# render run at a time (its queue hands answers back in order, not to the thread that asked).
_state_lock = threading.Lock()
_render_lock = threading.Lock()
_users = 0


class ImageExportError(RuntimeError):
    """The browser that draws the images is missing or stopped."""


class ImageExporter:
    """One headless chromium for many images: `with ImageExporter() as ex: ex.render(fig)`.

    It remembers its last MEMO_SIZE images, so an identical figure is drawn only once.
    """

    def __init__(self, browser_path: str | None = None):
        self.browser_path = browser_path or os.environ.get(BROWSER_ENV) or DEFAULT_BROWSER
        self._open = False
        self._memo: OrderedDict[str, bytes] = OrderedDict()

    def __enter__(self) -> "ImageExporter":
        global _users
        # kaleido starts the browser in a thread; a bad path kills that thread and every later
        # request would then wait forever, so check the path first.
        if not (os.path.isfile(self.browser_path) and os.access(self.browser_path, os.X_OK)):
            raise ImageExportError(
                f"no chromium at {self.browser_path}: install it (apt-get install chromium) or "
                f"set {BROWSER_ENV} to its path"
            )
        with _state_lock:
            if _users == 0:
                kaleido.start_sync_server(
                    path=self.browser_path, mathjax=False, silence_warnings=True
                )
            _users += 1
        self._open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        global _users
        if not self._open:
            return
        self._open = False
        with _state_lock:
            _users -= 1
            if _users == 0:
                kaleido.stop_sync_server(silence_warnings=True)

    def render(
        self,
        fig: go.Figure,
        fmt: str = "png",
        width: int | None = None,
        height: int | None = None,
        scale: float = 1,
    ) -> bytes:
        """The figure as PNG or SVG bytes, at its own layout size unless one is given.

        `width` defaults to the figure's `layout.width`, else 1600 px; `height` to its
        `layout.height` (the charts size themselves to their rows), else its template's.
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
            _check_server()
            image = kaleido.calc_fig_sync(json.loads(spec), opts=opts)
            self._memo[key] = image
            if len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return image


def _check_server() -> None:
    # Private kaleido state, read defensively: a dead server thread means a request would hang.
    thread = getattr(getattr(kaleido, "_global_server", None), "_thread", None)
    if thread is not None and not thread.is_alive():
        raise ImageExportError("the chromium used for images has stopped")


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
    lines = [join_split_digits(number) for number in exhibit.key_numbers] if key_numbers else []
    if exhibit.badges:
        lines.append("Caveats: " + " · ".join(badge.label for badge in exhibit.badges))
    lines.append(exhibit.source_line)
    lines.append(
        f"Phasewise dataset v{dataset_version} · full citations in the dashboard's "
        "Sources page and the deck's notes"
    )
    return lines


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
    context = figure_with_context(
        charts.draw(exhibit.chart), caption_lines(exhibit, dataset_version, key_numbers), width
    )
    return exporter.render(context, fmt, width=width, scale=scale)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# --- text ------------------------------------------------------------------------------------

_NARROW = set(" il.,:;'|!ijftrI()[]/-\u00b7")
_WIDE = set("mwMW%@—")


def text_width(text: str) -> float:
    """Approximate width of `text` in ems, for Arial-like fonts (a little on the wide side)."""
    total = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            total += 1.0
        elif char in _NARROW:
            total += 0.3
        elif char in _WIDE:
            total += 0.9
        elif char.isupper():
            total += 0.68
        else:
            total += 0.56
    return total


def wrap_text(text: str, width_em: float) -> list[str]:
    """Words of `text` in lines no wider than `width_em` (a longer word gets its own line)."""
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
