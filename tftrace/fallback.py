"""The ``text/html`` fallback of a notebook output, for nbconvert and frontends without the
JupyterLab extension: one offline page (``report.page_html``: same CSP) in the output's
sandboxed iframe, made light.

- Until its scripts run, the page shows a static summary: the run, then the text output's
  findings, steps, top ops and tf.functions (``stats.to_table``), true where scripts never run.
- The payload and the views bundle travel gzip-compressed and base64-encoded in two inert
  script elements (~5x smaller than the JSON and the JavaScript, which the attribute
  escaping of ``srcdoc`` also inflated by a third); a short loader inflates them with the
  browser's DecompressionStream (the views need it already for the timeline), puts the
  payload where the bundle looks for it and runs the bundle, which replaces the summary
  with the views.
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import json

from .assets import bundle_js

_LOADER = """
(async () => {
  const inflate = async (id) => {
    const bytes = Uint8Array.from(atob(document.getElementById(id).textContent.trim()), (c) => c.charCodeAt(0));
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  };
  const add = (text, type) => {
    const script = document.createElement("script");
    if (type) { script.type = type; script.setAttribute("data-target", "tftrace-root"); }
    script.textContent = text;
    document.body.append(script);
  };
  try {
    const [data, code] = await Promise.all([inflate("tftrace-payload-gz"), inflate("tftrace-views-gz")]);
    add(data, "%(mime)s");
    add(code, "");
  } catch (error) {
    const note = document.createElement("p");
    note.textContent = `tftrace: the interactive views cannot run here (${error}); this summary is static.`;
    document.getElementById("tftrace-root").append(note);
  }
})();
"""


def packed(text: str) -> str:
    """``text`` as base64 of its gzip (deterministic: no timestamp)."""
    return base64.b64encode(gzip.compress(text.encode("utf-8"), 9, mtime=0)).decode("ascii")


@functools.lru_cache(maxsize=2)
def _packed_bundle(code: str) -> str:
    return packed(code)


def scripts(mime_type: str, data: dict) -> str:
    """The inert compressed payload and bundle, and the loader that runs them."""
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return (f'<script type="application/octet-stream" id="tftrace-payload-gz">{packed(payload)}</script>'
            f'<script type="application/octet-stream" id="tftrace-views-gz">{_packed_bundle(bundle_js())}</script>'
            f"<script>{_LOADER % {'mime': mime_type}}</script>")


def summary_html(profile, table: str) -> str:
    """What the page shows before (or without) its scripts: the run, findings, the top-ops table."""
    span = f"{profile.duration_us / 1e3:,.1f} ms" if profile.duration_us else "-"
    head = (f"<p><b>tftrace</b> · {html.escape(profile.name or profile.source or 'profile')} · {span} · "
            f"{profile.event_count:,} events on {html.escape(', '.join(profile.hosts) or '-')}</p>")
    return (head + "<p>The interactive views replace this summary where scripts run.</p>"
            + f"<pre style=\"font-size:12px;overflow:auto\">{html.escape(table)}</pre>")


def page(profile, data: dict, table: str) -> str:
    """The whole fallback page (to go in the output's iframe)."""
    from . import payload as payload_mod
    from .report import page_html

    title = f"tftrace: {profile.name or profile.source or 'profile'}"
    return page_html(title, payload_mod.MIME_TYPE, data, root_html=summary_html(profile, table),
                     scripts=scripts(payload_mod.MIME_TYPE, data))


def diff_page(diff: dict, table: str) -> str:
    """The fallback page of a comparison of two runs: its table, then the diff view."""
    from .report import DIFF_MIME_TYPE, page_html

    names = [diff[side].get("name") or diff[side].get("run_id") or side.upper() for side in ("a", "b")]
    summary = ("<p>The interactive comparison replaces this summary where scripts run.</p>"
               f"<pre style=\"font-size:12px;overflow:auto\">{html.escape(table)}</pre>")
    return page_html(f"tftrace: {names[0]} vs {names[1]}", DIFF_MIME_TYPE, diff, root_html=summary,
                     scripts=scripts(DIFF_MIME_TYPE, diff))
