"""A light Streamlit client for load tests: one page view = one `rerun_script` over the app's
WebSocket, done when `script_finished` arrives. No browser, so thousands of views cost the
client little CPU and the servers' figures are not swamped by the clients'.

It speaks what the Streamlit 1.67 frontend sends (its `streamlit.proto` messages):

* a first load: GET of the page (nginx's routing cookie and Streamlit's XSRF cookie come back),
  the frontend's connection probes (for a deep link `/<page>/_stcore/health`, which answers 404,
  then `/_stcore/health` and `/_stcore/host-config`), then the WebSocket `/_stcore/stream` with
  the cookies, an Origin header and the subprotocols `streamlit, <xsrf token>`;
* a view: BackMsg `rerun_script` with the ClientState: the query string (the disease filter is
  bound to it), the page (`page_name` = URL path on a first load, `page_script_hash` from the
  `navigation` message on a switch), the browser's context (time zone, locale, URL), and the
  hashes of the cacheable messages already received (Streamlit then sends references to them
  instead of the messages, as it does to a browser). Widget states are not sent: the pages'
  widgets keep their defaults or their query-parameter binding.

What it does not do: load the static assets (a browser has them cached after its first visit),
draw anything, answer heartbeats (Streamlit's are client-initiated and optional).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

XSRF_COOKIE = "_streamlit_xsrf"
TIMEOUT_S = 120.0
CONTEXT = {"timezone": "Europe/London", "timezone_offset": 0, "locale": "en-GB",
           "is_embedded": False, "color_scheme": "light"}  # fmt: skip
FINISHED_OK = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class ViewError(RuntimeError):
    """A view that failed: HTTP error, closed socket, timeout, exception element, bad page."""


@dataclass
class View:
    """One page view as the client saw it."""

    path: str
    ms: float  # rerun_script sent -> script_finished received
    messages: int  # ForwardMsgs of the run, script_finished included
    received_bytes: int
    deltas: int
    refs: int  # messages sent as a reference to one the client already had


@dataclass
class Session:
    """One simulated user: its own cookies (its own replica behind nginx), its own WebSocket."""

    base_url: str  # http://host:port, no trailing slash
    http_ms: float = 0.0  # the first load's HTTP requests (page and probes)
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page_script_hash
    upstream: str | None = None  # nginx's X-Upstream header on the page load, when present
    _jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    _ws: ClientConnection | None = None
    _cached: set[str] = field(default_factory=set)
    _query: str = ""

    # --- HTTP (in a worker thread: urllib is blocking) --------------------------------------

    def _opener(self) -> urllib.request.OpenerDirector:
        # No proxy from the environment: the target is on this machine.
        return urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self._jar)
        )

    def _get(self, path: str, expect_ok: bool = True) -> tuple[int, dict[str, str]]:
        try:
            with self._opener().open(self.base_url + path, timeout=TIMEOUT_S) as resp:
                resp.read()
                return resp.status, dict(resp.headers)
        except urllib.error.HTTPError as error:
            error.read()
            if expect_ok:
                raise ViewError(f"HTTP {error.code} on {path}") from None
            return error.code, dict(error.headers)
        except OSError as error:
            raise ViewError(f"{type(error).__name__} on {path}: {error}") from None

    def _first_load(self, path: str, query: str) -> None:
        _, headers = self._get(path + (f"?{query}" if query else ""))
        self.upstream = headers.get("X-Upstream")
        if path.strip("/"):  # the frontend's probe of the deep link as a base path
            self._get(f"{path.rstrip('/')}/_stcore/health", expect_ok=False)
        self._get("/_stcore/health")
        self._get("/_stcore/host-config")

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self._jar if c.name == name), None)

    # --- the WebSocket ----------------------------------------------------------------------

    async def open(self, path: str, query: str = "") -> View:
        """A first load of `path?query` (a new browser tab): HTTP, the socket, the first run."""
        started = time.perf_counter()
        await asyncio.to_thread(self._first_load, path, query)
        self.http_ms = 1000 * (time.perf_counter() - started)
        url = urllib.parse.urlsplit(self.base_url)
        cookies = "; ".join(f"{c.name}={c.value}" for c in self._jar)
        try:
            self._ws = await connect(
                f"ws://{url.netloc}/_stcore/stream",
                origin=f"{url.scheme}://{url.netloc}",
                subprotocols=["streamlit", self.cookie(XSRF_COOKIE) or ""],
                additional_headers={"Cookie": cookies} if cookies else None,
                proxy=None,
                max_size=None,
                open_timeout=TIMEOUT_S,
                ping_interval=None,
            )
        except Exception as error:  # noqa: BLE001 - any failure to connect is the view's error
            raise ViewError(f"WebSocket: {type(error).__name__}: {error}") from None
        self._query = query
        return await self.run(path, page_name=path.strip("/"))

    async def switch(self, path: str) -> View:
        """A click on the sidebar link to `path` (same session, same query string)."""
        page_hash = self.pages.get(path)
        if page_hash is None:
            raise ViewError(f"no page {path} in the navigation")
        return await self.run(path, page_hash=page_hash)

    async def run(self, path: str, page_name: str = "", page_hash: str = "") -> View:
        if self._ws is None:
            raise ViewError("not connected")
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self._query
        state.page_name = page_name
        state.page_script_hash = page_hash
        state.cached_message_hashes.extend(sorted(self._cached))
        query = f"?{self._query}" if self._query else ""
        state.context_info.url = f"{self.base_url}{path}{query}"
        for key, value in CONTEXT.items():
            setattr(state.context_info, key, value)
        started = time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
            return await asyncio.wait_for(self._until_finished(path, started), TIMEOUT_S)
        except TimeoutError:
            raise ViewError(f"no script_finished within {TIMEOUT_S:.0f} s on {path}") from None
        except ViewError:
            raise
        except Exception as error:  # noqa: BLE001 - a closed socket is the view's error
            raise ViewError(f"{type(error).__name__} on {path}: {error}") from None

    async def _until_finished(self, path: str, started: float) -> View:
        assert self._ws is not None
        messages = received = deltas = refs = 0
        while True:
            data = await self._ws.recv(decode=False)
            messages += 1
            received += len(data)
            fmsg = ForwardMsg()
            fmsg.ParseFromString(data)
            kind = fmsg.WhichOneof("type")
            if fmsg.metadata.cacheable and fmsg.hash:
                self._cached.add(fmsg.hash)
            if kind == "ref_hash":
                refs += 1
            elif kind == "delta":
                deltas += 1
                delta = fmsg.delta
                if (
                    delta.WhichOneof("type") == "new_element"
                    and delta.new_element.WhichOneof("type") == "exception"
                ):
                    exc = delta.new_element.exception
                    raise ViewError(f"exception on {path}: {exc.type}: {exc.message[:200]}")
            elif kind == "navigation":
                for page in fmsg.navigation.app_pages:
                    self.pages["/" + page.url_pathname.strip("/")] = page.page_script_hash
                    if page.is_default:
                        self.pages["/"] = page.page_script_hash
            elif kind == "page_not_found":
                raise ViewError(f"page not found: {path}")
            elif kind == "script_finished":
                if fmsg.script_finished not in FINISHED_OK:
                    raise ViewError(f"script finished with status {fmsg.script_finished}")
                return View(
                    path,
                    1000 * (time.perf_counter() - started),
                    messages,
                    received,
                    deltas,
                    refs,
                )

    async def close(self) -> None:
        if self._ws is not None:
            ws, self._ws = self._ws, None
            try:
                await asyncio.wait_for(ws.close(), 5)
            except Exception:  # noqa: BLE001, S110 - closing a dead socket is fine
                pass
