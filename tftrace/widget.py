"""A live notebook widget (anywidget) for what needs the kernel: lazy drill-down.

It shows the same views from the same bundle; when the notebook payload left
timeline events out, a button asks the kernel for the full timeline.
"""

from __future__ import annotations

import anywidget
import traitlets

from . import payload as payload_mod
from .assets import bundle_js
from .display import NOTEBOOK_LIMITS

_ESM_TAIL = """
export default {
  render({ model, el }) {
    const draw = () => tftraceViews.render(el, model.get("payload"));
    const bar = document.createElement("div");
    const more = document.createElement("button");
    const update = () => {
      const tl = model.get("payload").timeline || {};
      more.textContent = `load all events (${(tl.dropped || 0).toLocaleString()} more)`;
      more.style.display = tl.dropped ? "" : "none";
    };
    more.addEventListener("click", () => { more.disabled = true; model.send({ type: "full-timeline" }); });
    bar.append(more);
    const host = document.createElement("div");
    el.append(bar, host);
    const redraw = () => { update(); tftraceViews.render(host, model.get("payload")); };
    model.on("change:payload", () => { more.disabled = false; redraw(); });
    redraw();
  },
};
"""


class ProfileWidget(anywidget.AnyWidget):
    payload = traitlets.Dict().tag(sync=True)

    def __init__(self, profile, **kwargs):
        self._esm = bundle_js().replace("<\\/script", "</script") + _ESM_TAIL
        super().__init__(payload=payload_mod.build(profile, **NOTEBOOK_LIMITS), **kwargs)
        self.profile = profile
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers) -> None:
        if content.get("type") == "full-timeline":
            self.payload = payload_mod.build(self.profile)
