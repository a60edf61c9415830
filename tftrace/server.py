"""jupyter-server extension: the run store over authenticated REST under ``<base_url>/tftrace/``.

- ``GET /tftrace/runs``: the runs, newest first;
- ``GET /tftrace/runs/<id>``: one run's view payload (``tftrace.payload/1``);
- ``GET /tftrace/compare?a=<id>&b=<id>``: two runs compared (``tftrace.diff/1``).

The JupyterLab sidebar reads these, not the kernel, so it works while a long cell
keeps the kernel busy and after restarts. Nothing slow runs on the server's event
loop: store look-ups run in its thread pool, payloads and comparisons in worker
processes with a cache (``server_jobs``). Errors are JSON: 404 for an unknown run, 400
for one tftrace cannot read (a ``TftraceError``).
"""

from __future__ import annotations

import json

import tornado
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop

from .errors import TftraceError
from .server_jobs import JobError, Jobs

_jobs = Jobs()


def _store():
    from .store import Store

    return Store()


def _off_loop(fn, *args):
    """FN(*ARGS) in the server's thread pool (store look-ups: quick, but on disk)."""
    return IOLoop.current().run_in_executor(None, fn, *args)


async def _path(run_id: str) -> str:
    """The run file of RUN_ID; HTTP 404 if the store has no such run."""
    path = await _off_loop(lambda: _store().find(run_id))
    if path is None:
        raise tornado.web.HTTPError(404, f"no run {run_id!r}")
    return path


class _Handler(APIHandler):
    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None))[1]
        reason = getattr(exc, "log_message", None) or str(exc or self._reason)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": reason}))

    async def _answer(self, work) -> None:
        """Finish with the JSON bytes the awaitable WORK gives; a TftraceError is a 400."""
        try:
            body = await work
        except TftraceError as exc:
            raise tornado.web.HTTPError(400, str(exc)) from None
        except JobError as exc:
            raise tornado.web.HTTPError(400 if exc.clear else 500, str(exc)) from None
        self.set_header("Content-Type", "application/json")
        self.finish(body)


async def _runs() -> bytes:
    return await _off_loop(lambda: json.dumps({"runs": _store().list()}).encode())


async def _payload(run_id: str) -> bytes:
    return await _jobs.payload(await _path(run_id))


async def _compare(a: str, b: str) -> bytes:
    return await _jobs.compare(await _path(a), await _path(b), a, b)


class RunsHandler(_Handler):
    @tornado.web.authenticated
    async def get(self):
        await self._answer(_runs())


class RunPayloadHandler(_Handler):
    @tornado.web.authenticated
    async def get(self, run_id: str):
        await self._answer(_payload(run_id))


class CompareHandler(_Handler):
    @tornado.web.authenticated
    async def get(self):
        await self._answer(_compare(self.get_query_argument("a"), self.get_query_argument("b")))


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
