"""Run history: an SQLite index (WAL) plus one run file per run under TFTRACE_HOME.

TFTRACE_HOME defaults to ``<jupyter data dir>/tftrace``. Run ids sort by time and are
unique: ``YYYYmmdd-HHMMSS-xxxxxx`` (6 random hex digits), and the store never takes an
id twice: the run file ``runs/<id>.tftrace`` is claimed with O_EXCL and the index row
inserted under the id's PRIMARY KEY; either collision draws a new id. Index rows hold
paths relative to TFTRACE_HOME, so a moved store keeps every run (older absolute rows
are read from the same file name under the current home when their path is gone).
Reading never creates anything: a missing store has no runs, a read-only one is opened
read-only. A run is found by its id, its name (the newest of that name) or a unique id
prefix (``Store.resolve``).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import secrets
import sqlite3
from collections import namedtuple

from .errors import StoreError

# A resolved run: its file, its id, and a one-line note for the user ("" if none).
# collections' namedtuple: typing's NamedTuple would import typing (~3 ms) into every command.
Match = namedtuple("Match", "path run_id note")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, name TEXT, created TEXT, source TEXT, path TEXT,
    duration_us REAL, events INTEGER, ops INTEGER, kernels INTEGER, error TEXT
)
"""
_LOCK_WAIT_S = 30  # how long a writer waits for another one
_ATTEMPTS = 20  # fresh ids drawn before giving up (each collision needs 6 equal random hex digits)


def default_home() -> str:
    """``$TFTRACE_HOME``, else ``tftrace`` in Jupyter's data directory, found the way jupyter_core
    finds it but without importing it: a command-line-only install and a Jupyter one share runs."""
    home = os.environ.get("TFTRACE_HOME")
    if home:
        return home
    return os.path.join(_jupyter_data_dir(), "tftrace")


def _jupyter_data_dir() -> str:
    if os.environ.get("JUPYTER_DATA_DIR"):
        return os.environ["JUPYTER_DATA_DIR"]
    if sys.platform == "darwin":
        return os.path.join(os.path.expanduser("~"), "Library", "Jupyter")
    if os.name == "nt":
        appdata = os.environ.get("APPDATA")
        return os.path.join(appdata, "jupyter") if appdata else os.path.join(os.path.expanduser("~"), ".jupyter", "data")
    xdg = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(xdg, "jupyter")


def new_run_id(now: _dt.datetime | None = None) -> str:
    now = now or _dt.datetime.now()
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


class Store:
    def __init__(self, home: str | None = None):
        self.home = os.path.abspath(home or default_home())
        self.runs_dir = os.path.join(self.home, "runs")
        self.index = os.path.join(self.home, "index.sqlite")

    def _writer(self) -> sqlite3.Connection:
        """The index opened for writing, the store created if need be; StoreError if it cannot be.

        Processes creating one store at once race for the switch to WAL, which SQLite answers
        "database is locked" without waiting: that is retried until ``_LOCK_WAIT_S``."""
        import time

        try:
            os.makedirs(self.runs_dir, exist_ok=True)
        except OSError as exc:
            raise self._unwritable(exc) from None
        deadline = time.monotonic() + _LOCK_WAIT_S
        while True:
            try:
                return self._open_for_writing()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise self._unwritable(exc) from None
                time.sleep(0.05)
            except sqlite3.Error as exc:
                raise self._unwritable(exc) from None

    def _open_for_writing(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.index, timeout=_LOCK_WAIT_S)
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            return db
        except BaseException:
            db.close()
            raise

    def _unwritable(self, exc: Exception) -> StoreError:
        from .outputs import reason

        why = reason(exc) if isinstance(exc, OSError) else str(exc)
        return StoreError(f"the run store at {self.home} cannot be written ({why})")

    def _reader(self) -> sqlite3.Connection | None:
        """The index opened read-only (``immutable`` if it cannot be opened otherwise), None
        when there is no store or no runs table yet. Creates nothing."""
        if not os.path.isfile(self.index):
            return None
        from urllib.parse import quote  # ~5 ms of imports: only when a store exists

        uri = f"file:{quote(self.index)}?mode=ro"
        for suffix in ("", "&immutable=1"):
            try:
                db = sqlite3.connect(uri + suffix, uri=True, timeout=_LOCK_WAIT_S)
                found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").fetchone()
            except sqlite3.Error as exc:
                problem = exc
                continue
            if found:
                return db
            db.close()
            return None
        raise StoreError(f"cannot read the run store at {self.home} ({problem})")

    def add(self, profile) -> str:
        """Save a profile as a new run; returns its run id. StoreError if the store cannot take it."""
        profile.created = profile.created or _dt.datetime.now().isoformat(timespec="seconds")
        db = self._writer()
        try:
            for _ in range(_ATTEMPTS):
                run_id = self._add_as(db, new_run_id(), profile)
                if run_id:
                    return run_id
        finally:
            db.close()
        raise StoreError(f"no free run id in the run store at {self.home} after {_ATTEMPTS} tries")

    def _add_as(self, db, run_id: str, profile) -> str | None:
        """Write the run file, then index it (one transaction); None if RUN_ID is taken."""
        from .runfile import SUFFIX, save_new

        relative = f"runs/{run_id}{SUFFIX}"
        path = os.path.join(self.home, relative)
        try:
            save_new(profile, path)
        except FileExistsError:
            return None
        except OSError as exc:
            raise self._unwritable(exc) from None
        try:
            with db:
                db.execute("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?)",
                           (run_id, profile.name, profile.created, profile.source, relative, profile.duration_us,
                            profile.event_count, len(profile.ops), len(profile.kernels), profile.error))
            return run_id
        except sqlite3.IntegrityError:
            os.unlink(path)
            return None
        except sqlite3.Error as exc:
            os.unlink(path)
            raise self._unwritable(exc) from None

    def delete(self, run_id: str) -> bool:
        """Forget the run RUN_ID (its exact id, never a name or prefix) and remove its file;
        False if the store has no such run. StoreError if the store cannot be written.

        One transaction: the file is first renamed aside, then the row deleted and committed,
        then the renamed file removed; a failure before the commit renames the file back, so
        the index never names a missing file and no indexed run loses its file."""
        if not self._reader_has(run_id):
            return False
        db = self._writer()
        try:
            with db:
                row = db.execute("SELECT path FROM runs WHERE id = ?", (run_id,)).fetchone()
                if row is None:
                    return False
                path = self.file_of(row[0] or "")
                aside = self._set_aside(path)
                try:
                    db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
                except BaseException:
                    self._put_back(aside, path)
                    raise
        except sqlite3.Error as exc:
            raise self._unwritable(exc) from None
        finally:
            db.close()
        _remove_quietly(aside)
        return True

    def _reader_has(self, run_id: str) -> bool:
        """Whether the index holds RUN_ID, asked read-only: deleting an unknown run creates nothing."""
        db = self._reader()
        if db is None:
            return False
        try:
            return db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is not None
        finally:
            db.close()

    def _set_aside(self, path: str) -> str | None:
        """Rename PATH to a name no reader looks at; None if it is already gone."""
        aside = f"{path}.deleting-{secrets.token_hex(4)}"
        try:
            os.rename(path, aside)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._unwritable(exc) from None
        return aside

    def _put_back(self, aside: str | None, path: str) -> None:
        if aside is not None:
            os.rename(aside, path)

    def list(self) -> list[dict]:
        """Every run, newest first; ``path`` relative to the store's home."""
        db = self._reader()
        if db is None:
            return []
        try:
            db.row_factory = sqlite3.Row
            rows = [dict(r) for r in db.execute("SELECT * FROM runs ORDER BY rowid DESC")]
        finally:
            db.close()
        for row in rows:
            row["path"] = os.path.relpath(self.file_of(row["path"] or ""), self.home)
        return rows

    def file_of(self, stored: str) -> str:
        """The run file an index row's path names: relative to home; an absolute one that is
        gone (the store moved) is looked for under the current home by its file name."""
        if not os.path.isabs(stored):
            return os.path.join(self.home, stored)
        if os.path.exists(stored):
            return stored
        return os.path.join(self.runs_dir, os.path.basename(stored))

    def find(self, ref: str) -> str | None:
        """The run file of a run id, run name or unique id prefix (see ``resolve``), None if unknown."""
        match = self.resolve(ref)
        return match.path if match else None

    def resolve(self, ref: str) -> Match | None:
        """The run REF names, None if none does.

        An exact run id first, then a run name (the newest run of that name, by
        insertion order), then a unique id prefix, matched literally (``%`` and ``_``
        are plain characters). An ambiguous prefix raises StoreError.
        """
        db = self._reader() if ref else None
        if db is None:
            return None
        try:
            match = _exact_id(db, ref) or _newest_named(db, ref) or _unique_prefix(db, ref)
        finally:
            db.close()
        return match._replace(path=self.file_of(match.path)) if match else None


def _exact_id(db, ref: str) -> Match | None:
    row = db.execute("SELECT path, id FROM runs WHERE id = ?", (ref,)).fetchone()
    return Match(row[0], row[1], "") if row else None


def _newest_named(db, name: str) -> Match | None:
    """The newest run named NAME (by rowid), its note saying how many share the name."""
    rows = db.execute("SELECT path, id FROM runs WHERE name = ? ORDER BY rowid DESC", (name,)).fetchall()
    return Match(rows[0][0], rows[0][1], _shared_name_note(name, [r[1] for r in rows])) if rows else None


def _unique_prefix(db, prefix: str) -> Match | None:
    """The run whose id starts with PREFIX (compared literally, not with LIKE)."""
    rows = db.execute("SELECT path, id FROM runs WHERE substr(id, 1, length(?)) = ? ORDER BY id LIMIT 6",
                      (prefix, prefix)).fetchall()
    if len(rows) > 1:
        raise StoreError(f"run id {prefix!r} is ambiguous: {', '.join(r[1] for r in rows[:5])}"
                         + (", ..." if len(rows) > 5 else ""))
    return Match(rows[0][0], rows[0][1], "") if rows else None


def _shared_name_note(name: str, ids: list[str]) -> str:
    """The one line saying several runs share NAME (ids newest first); "" for one run."""
    if len(ids) < 2:
        return ""
    older = ", ".join(ids[1:4]) + (", ..." if len(ids) > 4 else "")
    return f"{len(ids)} runs are named {name!r}; using the newest, {ids[0]} (older: {older})"


def format_runs(runs: list[dict]) -> str:
    """The run list as a text table (``tftrace ls``, ``%tftrace list``)."""
    if not runs:
        return "no runs stored yet"
    rows = [f"{'run':<22} {'name':<16} {'created':<19} {'ms':>10} {'events':>9}"]
    for r in runs:
        rows.append(f"{r['id']:<22} {(r['name'] or '')[:16]:<16} {r['created'] or '':<19} "
                    f"{(r['duration_us'] or 0) / 1e3:10.1f} {r['events'] or 0:9d}")
    return "\n".join(rows)


def _remove_quietly(path: str | None) -> None:
    """Remove a run file set aside for deletion; one that cannot be removed only costs disk."""
    if path is None:
        return
    try:
        os.unlink(path)
    except OSError:
        pass
