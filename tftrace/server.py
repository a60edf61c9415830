"""jupyter-server extension: the run store over authenticated REST under ``<base_url>/tftrace/``.

- ``GET /tftrace/runs``: the runs, newest first;
- ``GET /tftrace/runs/<id>``: one run's view payload (``tftrace.payload/1``);
- ``GET /tftrace/compare?a=<id>&b=<id>``: two runs compared (``tftrace.diff/1``).

The JupyterLab sidebar reads these, not the kernel, so it works while a long cell
keeps the kernel busy and after restarts.
"""

from __future__ import annotations

import json

import tornado
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from .errors import TftraceError


def _store():
    from .store import Store

    return Store()


def _load(run_id: str):
    from .runfile import load

    path = _store().find(run_id)
    if path is None:
        raise tornado.web.HTTPError(404, f"no run {run_id!r}")
    return load(path, with_xspaces=True)


class _Handler(APIHandler):
    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None))[1]
        reason = getattr(exc, "log_message", None) or str(exc or self._reason)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": reason}))

    def _fail_clearly(self, exc: TftraceError):
        raise tornado.web.HTTPError(400, str(exc)) from None


class RunsHandler(_Handler):
    @tornado.web.authenticated
    def get(self):
        try:
            self.finish(json.dumps({"runs": _store().list()}))
        except TftraceError as exc:
            self._fail_clearly(exc)


class RunPayloadHandler(_Handler):
    @tornado.web.authenticated
    def get(self, run_id: str):
        from .payload import build

        try:
            self.finish(json.dumps(build(_load(run_id)), separators=(",", ":")))
        except TftraceError as exc:
            self._fail_clearly(exc)


class CompareHandler(_Handler):
    @tornado.web.authenticated
    def get(self):
        from .diff import diff

        a, b = self.get_query_argument("a"), self.get_query_argument("b")
        try:
            self.finish(json.dumps(diff(_load(a), _load(b), a, b)))
        except TftraceError as exc:
            self._fail_clearly(exc)


def _jupyter_server_extension_points():
    return [{"module": "tftrace.server"}]


def _load_jupyter_server_extension(serverapp) -> None:
    base = url_path_join(serverapp.web_app.settings["base_url"], "tftrace")
    serverapp.web_app.add_handlers(".*$", [
        (url_path_join(base, "runs"), RunsHandler),
        (url_path_join(base, r"runs/([^/]+)"), RunPayloadHandler),
        (url_path_join(base, "compare"), CompareHandler),
    ])
    serverapp.log.info("tftrace: run store served under %s", base)
