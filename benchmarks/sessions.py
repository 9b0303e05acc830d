"""Server behaviour under N concurrent sessions, with light clients that speak Streamlit's protocol.

    python -m benchmarks.sessions [--sessions 20] [--duration 60] [--timeout 30] [--json out.json]

Headless Chromium cannot measure this on a small machine: 20 renderers parsing the frontend and
drawing Plotly saturate the CPU long before the server does. Here each simulated session is what
a browser tab is to the server, and nothing more:

- connect like the frontend: GET ``/_stcore/health`` (which sets the ``_streamlit_xsrf`` cookie)
  and ``/_stcore/host-config``, then open ``ws://HOST:PORT/_stcore/stream`` with the
  subprotocols ``streamlit, <xsrf token>``, the cookie and a same-origin ``Origin`` header;
  the server creates the Streamlit session on connect;
- open a page like a deep link does: a ``rerun_script`` BackMsg whose ClientState carries the
  URL path as ``page_name`` (``page_script_hash`` empty), the URL's query string without ``?``
  and the browser's ``context_info``; read ForwardMsgs until ``script_finished``.

A page view's time runs from sending the rerun to receiving ``script_finished``: the server's
script run plus serialising and transferring every delta, nothing drawn. Each session opens its
pages back to back (no think time, the first one at a different page per session) on one
connection until the duration is over; a view in flight then still completes.

A view is an error when it times out, finishes other than FINISHED_SUCCESSFULLY, sends
``page_not_found`` or any delta holding an exception element, or its connection fails; after a
timeout or a connection failure the session goes on in a new connection. Only error-free views
are timed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import random
import statistics
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from websockets.typing import Origin, Subprotocol

from benchmarks.process import cpu_s, rss_kb

PHASE_PAGES = ["induction", "consolidation", "maintenance", "transplant", "relapse"]
# What the render check expects of a page opened with every disease (no query string).
RENDER_EXPECTATIONS = {"maintenance": {"plotly_chart": 4, "title": "Maintenance"}}
SINGLE_S = 10.0  # the one-session reference loop
SETTLE_S = 2.0  # pause between the reference and the concurrent run
POLL_S = 0.5  # RSS and health sampling interval
HEALTH_TAIL_S = 5.0  # health polling goes on this long after the concurrent run
HEALTH_TIMEOUT_S = 10.0
RECONNECT_DELAY_S = 0.5
ERROR_KINDS = (
    "timeout",
    "non_success_finish",
    "exception_element",
    "page_not_found",
    "connection_error",
)
ERROR_SAMPLES = 10
XSRF_COOKIE = "_streamlit_xsrf"
NO_XSRF_TOKEN = "PLACEHOLDER_AUTH_TOKEN"  # what the frontend sends when it has no cookie


# --- server process -------------------------------------------------------------------------


def _difference(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


def _mb(kb: float | None) -> float | None:
    return None if kb is None else kb / 1024


def summarize(values_ms: list[float]) -> dict[str, float | int | None]:
    """n, median, p95 (nearest rank) and max of a list of milliseconds."""
    if not values_ms:
        return {"n": 0, "median_ms": None, "p95_ms": None, "max_ms": None}
    ordered = sorted(values_ms)
    return {
        "n": len(ordered),
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[math.ceil(0.95 * len(ordered)) - 1],
        "max_ms": ordered[-1],
    }


class Poller:
    """Calls ``probe`` every ``interval_s`` in a background thread and keeps what it returns."""

    def __init__(self, probe: Callable[[], Any], interval_s: float = POLL_S) -> None:
        self.probe = probe
        self.interval_s = interval_s
        self.samples: list[Any] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            self.samples.append(self.probe())
            self._stop.wait(max(0.0, self.interval_s - (time.monotonic() - started)))

    def start(self) -> Poller:
        self._thread.start()
        return self

    def stop(self) -> list[Any]:
        """Stop polling (after a probe in progress finishes) and return the samples."""
        self._stop.set()
        self._thread.join()
        return self.samples


def _http_get(url: str, timeout_s: float) -> tuple[int, str, str | None]:
    """Status, body and the XSRF cookie value set by the response (None when not set)."""
    with urllib.request.urlopen(url, timeout=timeout_s) as response:
        cookie = None
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            if name.strip() == XSRF_COOKIE:
                cookie = value.strip()
        return response.status, response.read().decode(errors="replace"), cookie


def health_probe(base_url: str) -> dict[str, Any]:
    """One GET /_stcore/health: latency in ms, and whether it answered 200 with body "ok"."""
    started = time.perf_counter()
    try:
        status, body, _ = _http_get(f"{base_url}/_stcore/health", HEALTH_TIMEOUT_S)
        error = None if status == 200 and body.strip() == "ok" else f"{status} {body[:80]!r}"
    except OSError as exc:  # URLError and timeouts included
        error = f"{type(exc).__name__}: {exc}"
    return {"ms": (time.perf_counter() - started) * 1000, "error": error}


# --- one simulated session ------------------------------------------------------------------


@dataclass
class View:
    """What one page view returned: its time, errors, and what the server sent for it."""

    page: str
    ms: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)
    deltas: int = 0
    elements: Counter[str] = field(default_factory=Counter)
    headings: list[str] = field(default_factory=list)
    bytes: int = 0


class ConnectError(Exception):
    """The session could not (re)connect: HTTP pings or WebSocket handshake failed."""


class Client:
    """One simulated browser tab: one WebSocket connection, i.e. one Streamlit session."""

    def __init__(self, base_url: str, websocket: ClientConnection, timeout_s: float) -> None:
        self.base_url = base_url
        self.websocket = websocket
        self.timeout_s = timeout_s

    @classmethod
    async def connect(cls, base_url: str, timeout_s: float) -> Client:
        """Connect as the frontend does: health + host-config GETs, then the WebSocket."""
        try:
            _, _, cookie = await asyncio.to_thread(
                _http_get, f"{base_url}/_stcore/health", timeout_s
            )
            await asyncio.to_thread(_http_get, f"{base_url}/_stcore/host-config", timeout_s)
            parts = urlsplit(base_url)
            websocket = await connect(
                f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream",
                origin=Origin(f"{parts.scheme}://{parts.netloc}"),
                subprotocols=[Subprotocol("streamlit"), Subprotocol(cookie or NO_XSRF_TOKEN)],
                additional_headers={"Cookie": f"{XSRF_COOKIE}={cookie}"} if cookie else None,
                open_timeout=timeout_s,
                max_size=None,
            )
        except (OSError, WebSocketException) as exc:  # URLError and timeouts included
            raise ConnectError(f"{type(exc).__name__}: {exc}") from exc
        return cls(base_url, websocket, timeout_s)

    def _rerun(self, page: str) -> bytes:
        """The BackMsg the frontend sends on loading ``BASE/<page>`` (path?query)."""
        path, _, query = page.partition("?")
        msg = BackMsg()
        state = msg.rerun_script
        state.page_name = path.strip("/")
        state.query_string = query
        info = state.context_info
        info.timezone = "UTC"
        info.timezone_offset = 0
        info.locale = "en-US"
        info.url = f"{self.base_url}/{page}"
        info.is_embedded = False
        info.color_scheme = "light"
        return msg.SerializeToString()

    async def view(self, page: str) -> View:
        """Open ``page`` and read until its script finished. Raises TimeoutError after
        ``timeout_s``, and websockets' ConnectionClosed when the connection drops."""
        view = View(page)
        started = time.perf_counter()
        async with asyncio.timeout(self.timeout_s):
            await self.websocket.send(self._rerun(page))
            while True:
                data = await self.websocket.recv(decode=False)
                view.bytes += len(data)
                msg = ForwardMsg.FromString(data)
                kind = msg.WhichOneof("type")
                if kind == "delta":
                    self._read_delta(msg, view)
                elif kind == "page_not_found":
                    view.errors.append(("page_not_found", page))
                elif kind == "script_finished":
                    status = msg.script_finished
                    if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # a rerun was requested mid-run; the view ends with that rerun
                    if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                        name = ForwardMsg.ScriptFinishedStatus.Name(status)
                        view.errors.append(("non_success_finish", f"{page}: {name}"))
                    break
        view.ms = (time.perf_counter() - started) * 1000
        return view

    @staticmethod
    def _read_delta(msg: ForwardMsg, view: View) -> None:
        view.deltas += 1
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        view.elements[kind] += 1
        if kind == "heading":
            view.headings.append(element.heading.body)
        elif kind == "exception":
            detail = f"{view.page}: {element.exception.type}: {element.exception.message[:160]}"
            view.errors.append(("exception_element", detail))

    async def close(self) -> None:
        """Close the connection (the server then ends the session); errors are ignored."""
        with contextlib.suppress(OSError, WebSocketException):
            await self.websocket.close()


# --- one measured phase: N sessions looping over the pages -----------------------------------


@dataclass
class PhaseStats:
    """Everything the sessions of one phase recorded."""

    views_ms: list[float] = field(default_factory=list)
    first_ms: list[float] = field(default_factory=list)
    connect_ms: list[float] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    views_total: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < ERROR_SAMPLES:
            self.error_samples.append(f"{kind}: {detail}")

    def add(self, view: View, first: bool) -> None:
        self.views_total += 1
        for kind, detail in view.errors:
            self.error(kind, detail)
        if not view.errors:
            self.views_ms.append(view.ms)
            self.by_page.setdefault(view.page, []).append(view.ms)
            if first:
                self.first_ms.append(view.ms)


async def _session(
    base_url: str,
    pages: list[str],
    start: int,
    stop_at: float,
    timeout_s: float,
    stats: PhaseStats,
    first_done: Callable[[], None],
    think_s: float = 0.0,
) -> Client | None:
    """One session's loop; returns its still open client (None when it ended disconnected).

    With ``think_s``, the session pauses 0.5-1.5 x think_s between page views, as a reader does.
    """
    client: Client | None = None
    index, first = start, True
    pause = random.Random(start)
    while first or time.monotonic() < stop_at:
        if not first and think_s:
            await asyncio.sleep(pause.uniform(0.5, 1.5) * think_s)
        page = pages[index % len(pages)]
        index += 1
        try:
            if client is None:
                started = time.perf_counter()
                client = await Client.connect(base_url, timeout_s)
                stats.connect_ms.append((time.perf_counter() - started) * 1000)
            stats.add(await client.view(page), first)
        except ConnectError as exc:
            stats.error("connection_error", f"connect: {exc}")
            await asyncio.sleep(RECONNECT_DELAY_S)
        except (TimeoutError, OSError, WebSocketException) as exc:
            if isinstance(exc, TimeoutError):
                stats.error("timeout", f"{page}: no script_finished within {timeout_s:g} s")
            else:
                stats.error("connection_error", f"{page}: {type(exc).__name__}: {exc}")
            if client is not None:  # its script may still be running: go on in a new session
                await client.close()
                client = None
        if first:
            first = False
            first_done()
    return client


async def _phase(
    base_url: str,
    pid: int | None,
    pages: list[str],
    sessions: int,
    duration_s: float,
    timeout_s: float,
    think_s: float = 0.0,
) -> dict[str, Any]:
    """Run ``sessions`` sessions for ``duration_s`` and return their times, errors, RSS, CPU."""
    stats = PhaseStats()
    rss: dict[str, Any] = {"before_kb": rss_kb(pid)}
    cpu_before, client_cpu_before = cpu_s(pid), time.process_time()
    sampler = Poller(lambda: rss_kb(pid)).start()
    waiting = sessions
    started = time.monotonic()

    def first_done() -> None:
        nonlocal waiting
        waiting -= 1
        if not waiting:
            rss["all_open_kb"] = rss_kb(pid)
            rss["all_open_after_s"] = time.monotonic() - started

    clients = await asyncio.gather(
        *(
            _session(
                base_url, pages, i, started + duration_s, timeout_s, stats, first_done, think_s
            )
            for i in range(sessions)
        )
    )
    elapsed = time.monotonic() - started
    rss["end_kb"] = rss_kb(pid)  # every session still connected
    server_cpu = _difference(cpu_s(pid), cpu_before)
    client_cpu = time.process_time() - client_cpu_before
    await asyncio.gather(*(client.close() for client in clients if client is not None))
    samples = [kb for kb in [*sampler.stop(), rss["end_kb"]] if kb is not None]
    rss["peak_kb"] = max(samples, default=None)
    views = summarize(stats.views_ms)
    return {
        "sessions": sessions,
        "duration_s": duration_s,
        "think_s": think_s,
        "elapsed_s": elapsed,
        "views": views,
        "first_views": summarize(stats.first_ms),
        "connect": summarize(stats.connect_ms),
        "by_page": {page: summarize(values) for page, values in stats.by_page.items()},
        "views_total": stats.views_total,
        "views_per_s": views["n"] / elapsed,
        "errors": {"total": sum(stats.errors.values())}
        | {kind: stats.errors[kind] for kind in ERROR_KINDS},
        "error_samples": stats.error_samples,
        "rss_kb": rss,
        "server_cpu_s": server_cpu,
        "server_cpu_per_view_ms": server_cpu / views["n"] * 1000
        if server_cpu is not None and views["n"]
        else None,
        "client_cpu_s": client_cpu,
        "values_ms": [round(value, 1) for value in stats.views_ms],
    }


# --- the whole measurement -------------------------------------------------------------------


async def _render_check(base_url: str, pages: list[str], timeout_s: float) -> dict[str, Any]:
    """Open every page once in one session (this also warms the server's caches) and record
    what each sent; compare with RENDER_EXPECTATIONS for the pages that have one."""
    client = await Client.connect(base_url, timeout_s)
    try:
        views = [await client.view(page) for page in pages]
    finally:
        await client.close()
    problems = [f"{kind}: {detail}" for view in views for kind, detail in view.errors]
    for view in views:
        expected = RENDER_EXPECTATIONS.get(view.page)
        if expected is None:
            continue
        if view.elements["plotly_chart"] != expected["plotly_chart"]:
            problems.append(
                f"{view.page}: {view.elements['plotly_chart']} plotly_chart elements, "
                f"expected {expected['plotly_chart']}"
            )
        if expected["title"] not in view.headings:
            problems.append(f"{view.page}: no heading {expected['title']!r} in {view.headings}")
    return {
        "ok": not problems,
        "problems": problems,
        "expected": RENDER_EXPECTATIONS,
        "pages": {
            view.page: {
                "cold_ms": view.ms,
                "deltas": view.deltas,
                "bytes": view.bytes,
                "plotly_charts": view.elements["plotly_chart"],
                "headings": view.headings,
                "elements": dict(view.elements),
            }
            for view in views
        },
    }


async def _measure(
    base_url: str,
    server_pid: int | None,
    pages: list[str],
    sessions: int,
    duration_s: float,
    timeout_s: float,
    think_s: float = 0.0,
) -> dict[str, Any]:
    render = await _render_check(base_url, pages, timeout_s)
    single = await _phase(base_url, server_pid, pages, 1, SINGLE_S, timeout_s)
    await asyncio.sleep(SETTLE_S)
    health = Poller(lambda: health_probe(base_url)).start()
    concurrent = await _phase(base_url, server_pid, pages, sessions, duration_s, timeout_s, think_s)
    await asyncio.sleep(HEALTH_TAIL_S)
    probes = health.stop()
    after_close_kb = rss_kb(server_pid)

    rss = concurrent["rss_kb"]
    opened = _difference(rss.get("all_open_kb"), rss["before_kb"])
    many_p95 = concurrent["views"]["p95_ms"]
    one_median, one_p95 = single["views"]["median_ms"], single["views"]["p95_ms"]
    latencies = [probe["ms"] for probe in probes]
    failures = [probe["error"] for probe in probes if probe["error"]]
    return {
        "base_url": base_url,
        "server_pid": server_pid,
        "pages": pages,
        "sessions": sessions,
        "duration_s": duration_s,
        "timeout_s": timeout_s,
        "think_s": think_s,
        "render_check": render,
        "single": single,
        "concurrent": concurrent,
        "p95_vs_single_median": many_p95 / one_median if many_p95 and one_median else None,
        "p95_vs_single_p95": many_p95 / one_p95 if many_p95 and one_p95 else None,
        "mb_per_session": None if opened is None else opened / 1024 / sessions,
        "rss_after_close_kb": after_close_kb,
        "health": {
            "interval_s": POLL_S,
            "count": len(probes),
            "failures": len(failures),
            "failure_samples": failures[:ERROR_SAMPLES],
            "median_ms": statistics.median(latencies) if latencies else None,
            "max_ms": max(latencies, default=None),
        },
    }


def run_sessions(
    base_url: str,
    server_pid: int | None,
    pages: list[str],
    sessions: int = 20,
    duration_s: float = 60,
    timeout_s: float = 30,
    think_s: float = 0.0,
) -> dict:
    """Measure a running Streamlit server under ``sessions`` concurrent protocol-level sessions.

    ``pages`` are URL paths relative to ``base_url``, optionally with a query string
    (``"transplant?disease=AML"``). ``server_pid`` (the ``streamlit run`` process) is needed for
    RSS and CPU; with None those are None. Steps: a render check that opens every page once
    (and warms the server), ``SINGLE_S`` seconds of one session as the reference, then
    ``sessions`` sessions for ``duration_s``, with /_stcore/health polled every ``POLL_S`` from
    their start until ``HEALTH_TAIL_S`` after they closed. ``think_s`` > 0 makes each session
    pause between views (0.5-1.5 x think_s); 0 opens pages back to back (a stress test).
    Returns a JSON-serialisable dict.
    """
    return asyncio.run(
        _measure(base_url, server_pid, pages, sessions, duration_s, timeout_s, think_s)
    )


# --- command line ----------------------------------------------------------------------------


def _num(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _times(summary: dict[str, Any]) -> str:
    return " / ".join(_num(summary[key]) for key in ("median_ms", "p95_ms", "max_ms"))


def markdown(result: dict[str, Any]) -> str:
    """The result as Markdown tables: the two phases side by side, then the derived figures."""
    one, many = result["single"], result["concurrent"]
    n = many["sessions"]

    def errors(phase: dict[str, Any]) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in phase["errors"].items() if k != "total" and v)
        return f"{phase['errors']['total']}" + (f" ({kinds})" if kinds else "")

    def rss(phase: dict[str, Any], key: str) -> str:
        return _num(_mb(phase["rss_kb"].get(key)), 1)

    rows = [
        ("run (s)", _num(one["elapsed_s"], 1), _num(many["elapsed_s"], 1)),
        ("page views timed (n)", str(one["views"]["n"]), str(many["views"]["n"])),
        ("page view median / p95 / max (ms)", _times(one["views"]), _times(many["views"])),
        ("first page view median / p95 / max (ms)", _times(one["first_views"]),
         _times(many["first_views"])),
        ("connect median / p95 / max (ms)", _times(one["connect"]), _times(many["connect"])),
        ("throughput (page views/s)", _num(one["views_per_s"], 1), _num(many["views_per_s"], 1)),
        ("errors", errors(one), errors(many)),
        ("server CPU (s)", _num(one["server_cpu_s"], 1), _num(many["server_cpu_s"], 1)),
        ("server CPU per page view (ms)", _num(one["server_cpu_per_view_ms"]),
         _num(many["server_cpu_per_view_ms"])),
        ("client CPU (s)", _num(one["client_cpu_s"], 1), _num(many["client_cpu_s"], 1)),
        ("server RSS before / all open (MB)", f"{rss(one, 'before_kb')} / "
         f"{rss(one, 'all_open_kb')}", f"{rss(many, 'before_kb')} / {rss(many, 'all_open_kb')}"),
        ("server RSS peak / end (MB)", f"{rss(one, 'peak_kb')} / {rss(one, 'end_kb')}",
         f"{rss(many, 'peak_kb')} / {rss(many, 'end_kb')}"),
    ]  # fmt: skip
    lines = [f"| measure | 1 session | {n} sessions |", "|---|---:|---:|"]
    lines += [f"| {name} | {a} | {b} |" for name, a, b in rows]

    health = result["health"]
    derived = [
        (f"p95 ({n}) / median (1)", _num(result["p95_vs_single_median"], 2)),
        (f"p95 ({n}) / p95 (1)", _num(result["p95_vs_single_p95"], 2)),
        ("memory per session (MB)", _num(result["mb_per_session"], 2)
         + f" = (RSS all open after {_num(many['rss_kb'].get('all_open_after_s'), 1)} s"
         f" - RSS before) / {n}"),
        ("server RSS 5 s after closing (MB)", _num(_mb(result["rss_after_close_kb"]), 1)),
        ("health polls / failures", f"{health['count']} / {health['failures']}"),
        ("health latency median / max (ms)",
         f"{_num(health['median_ms'], 1)} / {_num(health['max_ms'], 1)}"),
    ]  # fmt: skip
    lines += ["", "| derived | value |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in derived]

    lines += ["", f"| page | 1 session median (ms) | {n} sessions median / p95 / max (ms) | "
              "deltas | plotly charts |", "|---|---:|---:|---:|---:|"]  # fmt: skip
    for page, info in result["render_check"]["pages"].items():
        single_page = one["by_page"].get(page, summarize([]))
        many_page = many["by_page"].get(page, summarize([]))
        lines.append(
            f"| /{page} | {_num(single_page['median_ms'])} | {_times(many_page)} "
            f"| {info['deltas']} | {info['plotly_charts']} |"
        )
    check = result["render_check"]
    lines.append("")
    lines.append(
        "render check: " + ("OK" if check["ok"] else "FAILED: " + "; ".join(check["problems"]))
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per page view")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause between a session's views (s)"
    )
    parser.add_argument("--json", type=Path, help="write the full result here")
    args = parser.parse_args()

    # Imported here: the server helper (and the playwright it imports) is only needed by the CLI.
    from tests.browser.helpers import StreamlitServer

    server = StreamlitServer()
    with server as url:
        assert server.proc is not None
        result = run_sessions(
            url,
            server.proc.pid,
            PHASE_PAGES,
            args.sessions,
            args.duration,
            args.timeout,
            args.think,
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(markdown(result))


if __name__ == "__main__":
    main()
