"""Export every table of a Profile (``frames.tables``) as CSV: one ``<table>.csv`` per table in
a directory, each with its header row (empty tables too, so a script finds every file),
quoted and escaped by the ``csv`` module, UTF-8. Each file is written atomically."""

from __future__ import annotations

import csv
import io
import os

from ..errors import OutputError


def table_text(columns, rows) -> str:
    """One table as CSV text (header first, ``\\r\\n`` line ends as RFC 4180 has them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(("" if value is None else value for value in row) for row in rows)
    return out.getvalue()


def export(profile, directory) -> list[str]:
    """Write the tables into ``directory`` (created if missing); returns the files written."""
    from ..frames import tables
    from ..outputs import reason, write_output

    directory = os.fspath(directory)
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise OutputError(f"{directory}: cannot write the CSV tables there (it is a file, not a directory)")
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot write ({reason(exc)})") from None
    written = []
    for name, (columns, rows) in tables(profile).items():
        data = table_text(columns, rows).encode("utf-8")
        written.append(write_output(os.path.join(directory, f"{name}.csv"), lambda f, data=data: f.write(data)))
    return written
