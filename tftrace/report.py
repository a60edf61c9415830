"""Self-contained HTML reports: one file, the views bundle and the payload inlined
(a profile's views, or a comparison of two runs).

The page follows the system's colour scheme (light or dark): its ``<html>`` is marked
``tftrace-report`` and says ``color-scheme: light dark``; the bundle's stylesheet (the
views' CSS from ``labextension/style``) picks every colour from that.

Nothing is fetched when the report opens: a Content-Security-Policy forbids every
network request, the payload sits in a JSON script element with ``<``, ``>`` and
``&`` escaped, and every name reaches the page through textContent.
"""

from __future__ import annotations

import html
import json

from . import payload as payload_mod
from .assets import bundle_js

_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:; connect-src 'none'; font-src 'none'; frame-src 'none'")
DIFF_MIME_TYPE = "application/vnd.tftrace.diff+json"
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(data: dict) -> str:
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in _JSON_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def page_html(title: str, mime_type: str, data: dict, root_html: str = "Loading tftrace views…",
              scripts: str | None = None) -> str:
    """One offline page: ``data`` in a ``mime_type`` JSON script element that the bundle renders.

    ``root_html`` is what the page shows until the views replace it; ``scripts`` replaces the
    data and bundle elements (the notebook fallback carries them compressed: ``display.py``)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\" class=\"tftrace-report\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        # light or dark as the system prefers, before the bundle's stylesheet arrives (style/variables.css)
        "<meta name=\"color-scheme\" content=\"light dark\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{margin:12px}</style></head><body>"
        f"<div id=\"tftrace-root\">{root_html}</div>"
        + (scripts if scripts is not None else
           f"<script type=\"{mime_type}\" data-target=\"tftrace-root\">{json_for_script(data)}</script>"
           f"<script>{bundle_js()}</script>") +
        "</body></html>\n"
    )


def report_html(profile, payload: dict | None = None) -> str:
    data = payload if payload is not None else payload_mod.build(profile)
    return page_html(f"tftrace: {profile.name or profile.source or 'profile'}", payload_mod.MIME_TYPE, data)


def diff_report_html(diff: dict) -> str:
    """The comparison of two runs (``tftrace.diff/1``) as one offline page."""
    names = [diff[side].get("name") or diff[side].get("run_id") or side.upper() for side in ("a", "b")]
    return page_html(f"tftrace: {names[0]} vs {names[1]}", DIFF_MIME_TYPE, diff)


def write_text(text: str, path) -> str:
    """Write ``text`` to ``path`` atomically (a partial file never takes its place);
    OutputError (one line) if it cannot be written."""
    from .outputs import write_output

    return write_output(path, lambda f: f.write(text.encode("utf-8")))


def write_report(profile, path) -> str:
    return write_text(report_html(profile), path)


def write_diff_report(diff: dict, path) -> str:
    return write_text(diff_report_html(diff), path)
