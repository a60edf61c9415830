"""The server's slow work, off the Jupyter event loop: run payloads, comparisons and reports.

Reading a run file and building its payload (or a comparison) is mostly Python holding
the GIL, for seconds on a large run, so threads would still stall the event loop; it
runs in a small pool of worker processes (``spawn``: the server has threads, so no
``fork``; niced, so the server's own process goes first when CPUs are short) that take
run file paths and hand back JSON (or report HTML) bytes, or the message of the
``TftraceError`` that stopped them. Results are kept in a small LRU cache keyed by what
was asked and each run file's (path, mtime, size), so a rewritten file is rebuilt;
identical requests in flight share one build.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .errors import TftraceError

WORKERS = 2
CACHE_SIZE = 8  # payloads of large runs are a few MB each
WORKER_NICENESS = 10  # on a busy machine the server's own loop goes first


class JobError(Exception):
    """The work failed: a ``TftraceError`` (``clear``: the user can act on the message) or a crash."""

    def __init__(self, message: str, clear: bool):
        super().__init__(message)
        self.clear = clear


def _json(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def payload_json(path: str) -> tuple[bool, bytes | str]:
    """In a worker: (True, the run's payload as JSON) or (False, why it cannot be read)."""
    from .payload import build
    from .runfile import load

    try:
        return True, _json(build(load(path, with_xspaces=True)))
    except TftraceError as exc:
        return False, str(exc)


def compare_json(path_a: str, path_b: str, a: str, b: str) -> tuple[bool, bytes | str]:
    """In a worker: (True, runs A and B compared, ``tftrace.diff/1`` JSON) or (False, why not)."""
    from .diff import diff
    from .runfile import load

    try:
        return True, _json(diff(load(path_a, with_xspaces=True), load(path_b, with_xspaces=True), a, b))
    except TftraceError as exc:
        return False, str(exc)


def report_html(path: str) -> tuple[bool, bytes | str]:
    """In a worker: (True, the run's self-contained HTML report, as ``tftrace report`` writes it) or (False, why not)."""
    from .report import report_html as page
    from .runfile import load

    try:
        return True, page(load(path, with_xspaces=True)).encode("utf-8")
    except TftraceError as exc:
        return False, str(exc)


def _version(path: str) -> tuple:
    try:
        st = os.stat(path)
        return path, st.st_mtime_ns, st.st_size
    except OSError:
        return path, None, None


class Jobs:
    """Runs ``payload_json`` / ``compare_json`` / ``report_html`` in worker processes, results cached."""

    def __init__(self, workers: int = WORKERS, cache_size: int = CACHE_SIZE):
        self.workers = workers
        self.cache_size = cache_size
        self._pool: ProcessPoolExecutor | None = None
        self._cache: OrderedDict = OrderedDict()  # key -> asyncio.Future of JSON bytes

    async def payload(self, path: str) -> bytes:
        return await self._cached(("payload", _version(path)), payload_json, path)

    async def report(self, path: str) -> bytes:
        return await self._cached(("report", _version(path)), report_html, path)

    async def compare(self, path_a: str, path_b: str, a: str, b: str) -> bytes:
        return await self._cached(("compare", _version(path_a), _version(path_b), a, b),
                                  compare_json, path_a, path_b, a, b)

    async def _cached(self, key: tuple, fn, *args) -> bytes:
        future = self._cache.get(key)
        if future is None:
            future = self._cache[key] = asyncio.ensure_future(self._run(fn, *args))
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        try:
            return await asyncio.shield(future)
        except BaseException:
            if self._cache.get(key) is future and future.done():
                del self._cache[key]  # failures are not kept: the next request tries again
            raise

    async def _run(self, fn, *args) -> bytes:
        loop = asyncio.get_running_loop()
        try:
            ok, result = await loop.run_in_executor(self._executor(), fn, *args)
        except BrokenProcessPool:
            self._pool = None  # a worker died (out of memory?): the next request starts a new pool
            raise JobError("the process building the answer died", clear=False) from None
        if not ok:
            raise JobError(result, clear=True)
        return result

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=os.nice, initargs=(WORKER_NICENESS,))
        return self._pool

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
