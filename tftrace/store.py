"""Run history: an SQLite index (WAL) plus one run file per run under TFTRACE_HOME.

TFTRACE_HOME defaults to ``<jupyter data dir>/tftrace``. Run ids are short, sortable
and unique: ``YYYYmmdd-HHMMSS-xxxx``.
"""

from __future__ import annotations

import datetime as _dt
import os
import secrets
import sqlite3

from .errors import StoreError

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

    def find(self, run_id: str) -> str | None:
        """The run file of a run id (or of a unique id prefix), None if unknown."""
        with self._connect() as db:
            rows = db.execute("SELECT id, path FROM runs WHERE id LIKE ? ORDER BY id", (run_id + "%",)).fetchall()
        exact = [r for r in rows if r[0] == run_id]
        if exact:
            return exact[0][1]
        if len(rows) > 1:
            raise StoreError(f"run id {run_id!r} is ambiguous: {', '.join(r[0] for r in rows[:5])}")
        return rows[0][1] if rows else None


def format_runs(runs: list[dict]) -> str:
    """The run list as a text table (``tftrace ls``, ``%tftrace list``)."""
    if not runs:
        return "no runs stored yet"
    rows = [f"{'run':<22} {'name':<16} {'created':<19} {'ms':>10} {'events':>9}"]
    for r in runs:
        rows.append(f"{r['id']:<22} {(r['name'] or '')[:16]:<16} {r['created'] or '':<19} "
                    f"{(r['duration_us'] or 0) / 1e3:10.1f} {r['events'] or 0:9d}")
    return "\n".join(rows)
