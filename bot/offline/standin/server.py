"""The HTTP side of the stand-in: Web API calls, file uploads and response_url posts.

Paths: ``/api/<method>`` (what WebClient(base_url=".../api/") calls), ``/upload/<file_id>``
(the upload_url files.getUploadURLExternal hands out) and ``/response/<key>`` (response_url).
"""

import json
from collections.abc import Collection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.offline.standin import messages, webapi
from bot.offline.standin.context import Ctx, json_arg
from bot.offline.standin.faults import DONE_THEN_DROP, DROP, FaultPlan
from bot.offline.standin.records import Call
from bot.offline.standin.state import StandInState

_JSON_ARGS = ("blocks", "attachments", "view", "files", "metadata")


class StandInHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        state: StandInState,
        faults: FaultPlan,
        tokens: Collection[str] | None,
    ) -> None:
        super().__init__(address, _Handler)
        host, port = self.server_address[:2]
        self.base_url = f"http://{host!s}:{port}/"
        self.ctx = Ctx(state=state, base_url=self.base_url)
        self.faults = faults
        self.tokens = tokens


class _Handler(BaseHTTPRequestHandler):
    server: StandInHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the recordings, not a request log."""

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def _route(self) -> None:
        try:
            self._dispatch()
        except Exception as error:  # a stand-in bug must fail loudly, not look like a blip
            detail = f"{type(error).__name__}: {error}"
            self._send_json(400, {"ok": False, "error": "standin_error", "detail": detail})

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/api/"):
            self._api(url.path.removeprefix("/api/"), url.query, body)
        elif url.path.startswith("/upload/"):
            ctx = self.server.ctx
            received = ctx.state.receive_upload(url.path.removeprefix("/upload/"), body)
            self._send_text(200 if received else 404, "OK" if received else "file_not_found")
        elif url.path.startswith("/response/"):
            ctx = self.server.ctx
            key = url.path.removeprefix("/response/")
            status, text = messages.response_url_post(ctx, key, url.path, _json_or_none(body))
            self._send_text(status, text)
        else:
            self._send_text(404, "not_found")

    def _api(self, method: str, query: str, body: bytes) -> None:
        ctx = self.server.ctx
        params = self._params(query, body)
        token = self._token(params)
        fault = self.server.faults.next_fault(method)
        if fault is not None and fault.status == DONE_THEN_DROP:
            done = webapi.call(ctx, method, params)
            error = None if done.get("ok") else str(done.get("error"))
            ctx.state.record_call(Call(method, params, token, ctx.state.now(), 200, error))
            self.close_connection = True
            return  # done, but the client sees the connection drop
        if fault is not None:
            call = Call(method, params, token, ctx.state.now(), fault.status, fault.error)
            ctx.state.record_call(call)
            if fault.status == DROP:
                self.close_connection = True
                return  # no answer at all: the client sees the connection drop
            headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
            self._send_json(fault.status, {"ok": False, "error": fault.error}, headers)
            return
        if method == "chat.postMessage" and params.get("channel"):
            wait = self.server.faults.post_refused(ctx.state.channel_for(str(params["channel"])))
            if wait is not None:
                ctx.state.record_call(
                    Call(method, params, token, ctx.state.now(), 429, "ratelimited")
                )
                self._send_json(
                    429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
                )
                return
        if not token:
            answer = {"ok": False, "error": "not_authed"}
        elif self.server.tokens is not None and token not in self.server.tokens:
            answer = {"ok": False, "error": "invalid_auth"}
        else:
            answer = webapi.call(ctx, method, params)
        error = None if answer.get("ok") else str(answer.get("error"))
        ctx.state.record_call(Call(method, params, token, ctx.state.now(), 200, error))
        after = self.server.faults.next_after(method)
        if after is not None:
            after()  # e.g. kill the caller: the call is done, the answer not yet sent
        self._send_json(200, answer)

    def _params(self, query: str, body: bytes) -> dict[str, Any]:
        params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        content_type = (self.headers.get("Content-Type") or "").lower()
        if "application/json" in content_type:
            parsed = _json_or_none(body)
            if isinstance(parsed, dict):
                params.update(parsed)
        elif body:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        # Form-encoded calls carry these as JSON strings; record them as Slack reads them.
        for key in _JSON_ARGS:
            if isinstance(params.get(key), str):
                params[key] = json_arg(params[key])
        return params

    def _token(self, params: dict[str, Any]) -> str | None:
        header = self.headers.get("Authorization") or ""
        if header.lower().startswith("bearer "):
            return header[7:].strip() or None
        token = params.pop("token", None)
        return str(token) if token else None

    def _send_json(self, status: int, answer: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_text(self, status: int, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8")) if body else None
    except ValueError:
        return None
