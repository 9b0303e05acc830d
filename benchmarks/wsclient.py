"""A light Streamlit client for load tests: one page view = one `rerun_script` over the app's
WebSocket, done when `script_finished` arrives; no browser, so its CPU does not swamp the servers'.

As the Streamlit 1.67 frontend: a first load GETs the page (routing and XSRF cookies) and the
connection probes, then opens `/_stcore/stream`; a view sends the query string, the page, the
browser's context and the hashes of the cacheable messages it has (Streamlit then sends references).
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

TIMEOUT_S = 120.0
CONTEXT = {"timezone": "Europe/London", "timezone_offset": 0, "locale": "en-GB",
           "is_embedded": False, "color_scheme": "light"}  # fmt: skip
SOCKET = {"proxy": None, "max_size": None, "open_timeout": TIMEOUT_S, "ping_interval": None}
FINISHED_OK = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class ViewError(RuntimeError):
    """A view that failed: HTTP error, closed socket, timeout, exception element, bad page."""


@dataclass
class View:
    """One page view as the client saw it."""

    ms: float = 0.0  # rerun_script sent -> script_finished received
    received_bytes: int = 0
    deltas: int = 0
    refs: int = 0  # messages sent as a reference to one the client already had


class Session:
    """One simulated user: its own cookies (its own replica behind nginx), its own WebSocket."""

    def __init__(self, base_url: str) -> None:  # http://host:port, no trailing slash
        self.base_url, self._query = base_url, ""
        self.pages: dict[str, str] = {}  # url path -> page_script_hash
        self._ws: ClientConnection | None = None
        self._jar, self._cached = http.cookiejar.CookieJar(), set()
        # HTTP in a worker thread (urllib blocks); no proxy from the environment: a local target.
        cookies = urllib.request.HTTPCookieProcessor(self._jar)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), cookies)

    def _get(self, path: str, expect_ok: bool = True) -> None:
        try:
            with self._opener.open(self.base_url + path, timeout=TIMEOUT_S) as resp:
                resp.read()
        except urllib.error.HTTPError as error:
            if expect_ok:
                raise ViewError(f"HTTP {error.code} on {path}") from None
        except OSError as error:
            raise ViewError(f"{type(error).__name__} on {path}: {error}") from None

    def _first_load(self, path: str, query: str) -> None:
        self._get(path + (f"?{query}" if query else ""))
        if path.strip("/"):  # the frontend's probe of the deep link as a base path
            self._get(f"{path.rstrip('/')}/_stcore/health", expect_ok=False)
        self._get("/_stcore/health")
        self._get("/_stcore/host-config")

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self._jar if c.name == name), None)

    async def open(self, path: str, query: str = "") -> View:
        """A first load of `path?query` (a new browser tab): HTTP, the socket, the first run."""
        await asyncio.to_thread(self._first_load, path, query)
        url = urllib.parse.urlsplit(self.base_url)
        cookies = "; ".join(f"{c.name}={c.value}" for c in self._jar)
        try:
            self._ws = await connect(
                f"ws://{url.netloc}/_stcore/stream",
                origin=f"{url.scheme}://{url.netloc}",
                subprotocols=["streamlit", self.cookie("_streamlit_xsrf") or ""],
                additional_headers={"Cookie": cookies} if cookies else None,
                **SOCKET,
            )
        except Exception as error:  # noqa: BLE001 - any failure to connect is the view's error
            raise ViewError(f"WebSocket: {type(error).__name__}: {error}") from None
        self._query = query
        return await self.run(path, page_name=path.strip("/"))

    async def switch(self, path: str) -> View:
        """A click on the sidebar link to `path` (same session, same query string)."""
        if (page_hash := self.pages.get(path)) is None:
            raise ViewError(f"no page {path} in the navigation")
        return await self.run(path, page_hash=page_hash)

    async def run(self, path: str, page_name: str = "", page_hash: str = "") -> View:
        if self._ws is None:
            raise ViewError("not connected")
        query = f"?{self._query}" if self._query else ""
        state = ClientState(
            query_string=self._query,
            page_name=page_name,
            page_script_hash=page_hash,
            cached_message_hashes=sorted(self._cached),
            context_info=ContextInfo(url=f"{self.base_url}{path}{query}", **CONTEXT),
        )
        started = time.perf_counter()
        try:
            await self._ws.send(BackMsg(rerun_script=state).SerializeToString())
            return await asyncio.wait_for(self._until_finished(path, started), TIMEOUT_S)
        except TimeoutError:
            raise ViewError(f"no script_finished within {TIMEOUT_S:.0f} s on {path}") from None
        except ViewError:
            raise
        except Exception as error:  # noqa: BLE001 - a closed socket is the view's error
            raise ViewError(f"{type(error).__name__} on {path}: {error}") from None

    async def _until_finished(self, path: str, started: float) -> View:
        assert self._ws is not None
        view = View()
        while True:
            data = await self._ws.recv(decode=False)
            view.received_bytes += len(data)
            fmsg = ForwardMsg()
            fmsg.ParseFromString(data)
            kind = fmsg.WhichOneof("type")
            if fmsg.metadata.cacheable and fmsg.hash:
                self._cached.add(fmsg.hash)
            view.refs += kind == "ref_hash"
            view.deltas += kind == "delta"
            element = fmsg.delta.new_element if kind == "delta" else None
            if element is not None and element.WhichOneof("type") == "exception":
                exc = element.exception
                raise ViewError(f"exception on {path}: {exc.type}: {exc.message[:200]}")
            if kind == "navigation":
                for page in fmsg.navigation.app_pages:
                    self.pages["/" + page.url_pathname.strip("/")] = page.page_script_hash
                    if page.is_default:
                        self.pages["/"] = page.page_script_hash
            elif kind == "page_not_found":
                raise ViewError(f"page not found: {path}")
            elif kind == "script_finished":
                if fmsg.script_finished not in FINISHED_OK:
                    raise ViewError(f"script finished with status {fmsg.script_finished}")
                view.ms = 1000 * (time.perf_counter() - started)
                return view

    async def close(self) -> None:
        if self._ws is not None:
            ws, self._ws = self._ws, None
            with contextlib.suppress(Exception):  # closing a dead socket is fine
                await asyncio.wait_for(ws.close(), 5)
