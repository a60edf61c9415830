"""jupyter-server extension: the run store over authenticated REST under ``<base_url>/tftrace/``.

- ``GET /tftrace/runs``: the runs, newest first;
- ``GET /tftrace/runs/<id>``: one run's view payload (``tftrace.payload/1``);
- ``DELETE /tftrace/runs/<id>``: forget the run and remove its file (exact id only; 204);
- ``GET /tftrace/runs/<id>/report``: the run's self-contained HTML report, as a download;
- ``GET /tftrace/compare?a=<id>&b=<id>``: two runs compared (``tftrace.diff/1``);
- ``GET /tftrace/file?path=<path>``: the payload of a run file under the server's root
  (a ``.tftrace`` file opened from the file browser); paths leaving the root are a 403.

The JupyterLab sidebar reads these, not the kernel, so it works while a long cell
keeps the kernel busy and after restarts. Nothing slow runs on the server's event
loop: store look-ups run in its thread pool, payloads, comparisons and reports in worker
processes with a cache (``server_jobs``). Errors are JSON: 404 for an unknown run or
file, 400 for one tftrace cannot read (a ``TftraceError``).
"""

from __future__ import annotations

import json
import os

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


async def _match(ref: str):
    """The run REF names (``Store.resolve``: id, name or unique id prefix); HTTP 404 if none does."""
    match = await _off_loop(lambda: _store().resolve(ref))
    if match is None:
        raise tornado.web.HTTPError(404, f"no run {ref!r}")
    return match


async def _result(work):
    """What the awaitable WORK gives; a TftraceError is a 400, a job that crashed a 500."""
    try:
        return await work
    except TftraceError as exc:
        raise tornado.web.HTTPError(400, str(exc)) from None
    except JobError as exc:
        raise tornado.web.HTTPError(400 if exc.clear else 500, str(exc)) from None


class _Handler(APIHandler):
    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None))[1]
        reason = getattr(exc, "log_message", None) or str(exc or self._reason)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": reason}))

    async def _answer(self, work) -> None:
        """Finish with the JSON bytes the awaitable WORK gives (failures: see ``_result``)."""
        body = await _result(work)
        self.set_header("Content-Type", "application/json")
        self.finish(body)

    def _confined(self, path: str) -> str:
        """The real path of PATH, relative to the contents root; HTTP 403 if it leaves the root
        (``..``, a symlink) or is hidden while the server hides those, 404 if it is no file."""
        if "\0" in path:
            raise tornado.web.HTTPError(400, "a path cannot hold a NUL character")
        manager = self.contents_manager
        root = os.path.realpath(getattr(manager, "root_dir", None) or self.settings["server_root_dir"])
        full = os.path.realpath(os.path.join(root, path.lstrip("/")))
        if os.path.commonpath([root, full]) != root:
            raise tornado.web.HTTPError(403, f"{path!r} is outside the server's root")
        if not getattr(manager, "allow_hidden", False) and _hidden(full, root):
            raise tornado.web.HTTPError(403, f"{path!r} is hidden")
        if not os.path.isfile(full):
            raise tornado.web.HTTPError(404, f"no file {path!r}")
        return full


async def _runs() -> bytes:
    return await _off_loop(lambda: json.dumps({"runs": _store().list()}).encode())


async def _payload(run_id: str) -> bytes:
    return await _jobs.payload(await _path(run_id))


async def _report(ref: str) -> tuple[str, bytes]:
    """(the run's id, its HTML report)."""
    match = await _match(ref)
    return match.run_id, await _jobs.report(match.path)


async def _delete(run_id: str) -> None:
    if not await _off_loop(lambda: _store().delete(run_id)):
        raise tornado.web.HTTPError(404, f"no run {run_id!r}")


def _hidden(full: str, root: str) -> bool:
    from jupyter_core.paths import is_hidden

    return is_hidden(full, root)


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

    @tornado.web.authenticated
    async def delete(self, run_id: str):
        await _result(_delete(run_id))  # a store that cannot be written: 400
        self.set_status(204)
        self.finish()


class RunReportHandler(_Handler):
    @tornado.web.authenticated
    async def get(self, run_id: str):
        found, page = await _result(_report(run_id))
        self.set_header("Content-Disposition", f'attachment; filename="tftrace-{found}.html"')
        self.finish(page, set_content_type="text/html; charset=utf-8")


class FileHandler(_Handler):
    """A run file in the server's contents (a ``.tftrace`` opened from the file browser)."""

    @tornado.web.authenticated
    async def get(self):
        path = self.get_query_argument("path")
        full = await _off_loop(self._confined, path)
        await self._answer(_jobs.payload(full))


class CompareHandler(_Handler):
    @tornado.web.authenticated
    async def get(self):
        await self._answer(_compare(self.get_query_argument("a"), self.get_query_argument("b")))


def _load_jupyter_server_extension(serverapp) -> None:
    """Mount the handlers; jupyter_server calls this for the extension point that
    ``tftrace._jupyter_server_extension_points`` names (enabled as ``tftrace``)."""
    base = url_path_join(serverapp.web_app.settings["base_url"], "tftrace")
    serverapp.web_app.add_handlers(".*$", [
        (url_path_join(base, "runs"), RunsHandler),
        (url_path_join(base, r"runs/([^/]+)"), RunPayloadHandler),
        (url_path_join(base, r"runs/([^/]+)/report"), RunReportHandler),
        (url_path_join(base, "compare"), CompareHandler),
        (url_path_join(base, "file"), FileHandler),
    ])
    serverapp.log.info("tftrace: run store served under %s", base)
