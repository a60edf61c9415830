"""Run history: an SQLite index (WAL) plus one run file per run under TFTRACE_HOME.

TFTRACE_HOME defaults to ``<jupyter data dir>/tftrace``. Run ids are short, sortable
and unique: ``YYYYmmdd-HHMMSS-xxxx``. A run is found by its id, its name (several runs
may share one: the newest wins) or a unique id prefix (``Store.resolve``).
"""

from __future__ import annotations

import datetime as _dt
import os
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


def default_home() -> str:
    home = os.environ.get("TFTRACE_HOME")
    if home:
        return home
    try:
        from jupyter_core.paths import jupyter_data_dir
        return os.path.join(jupyter_data_dir(), "tftrace")
    except ImportError:
        return os.path.join(os.path.expanduser("~"), ".local", "share", "tftrace")


def new_run_id(now: _dt.datetime | None = None) -> str:
    now = now or _dt.datetime.now()
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


class Store:
    def __init__(self, home: str | None = None):
        self.home = home or default_home()
        self.runs_dir = os.path.join(self.home, "runs")

    def _connect(self) -> sqlite3.Connection:
        try:
            os.makedirs(self.runs_dir, exist_ok=True)
            db = sqlite3.connect(os.path.join(self.home, "index.sqlite"), timeout=10)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            return db
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the run store at {self.home}: {exc}") from None

    def add(self, profile) -> str:
        """Save a profile as a new run; returns its run id."""
        from .runfile import SUFFIX, save

        run_id = new_run_id()
        path = os.path.join(self.runs_dir, run_id + SUFFIX)
        profile.created = profile.created or _dt.datetime.now().isoformat(timespec="seconds")
        with self._connect() as db:
            save(profile, path)
            db.execute(
                "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?)",
                (run_id, profile.name, profile.created, profile.source, path, profile.duration_us,
                 profile.event_count, len(profile.ops), len(profile.kernels), profile.error),
            )
        return run_id

    def list(self) -> list[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM runs ORDER BY rowid DESC")]

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
        if not ref:
            return None
        with self._connect() as db:
            return _exact_id(db, ref) or _newest_named(db, ref) or _unique_prefix(db, ref)


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
