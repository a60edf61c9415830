// JupyterLab mime renderer for application/vnd.tftrace.payload+json: the %%tftrace
// output keeps rendering after the notebook is reloaded without a kernel. Code locations
// in notebook cells link to the cell (the hook comes from plugin.ts, see reveal-hook.ts).
// Honours the settings the plugin read (settings.ts): the first view, and the tallest the
// output is drawn before it scrolls inside (changed live).

import { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";

import { render } from "./app";
import { revealHandler } from "./reveal-hook";
import { labSettings, onLabSettings, showView } from "./settings";

export const MIME_TYPE = "application/vnd.tftrace.payload+json";

class TftraceOutput extends Widget implements IRenderMime.IRenderer {
  private readonly stopFollowing: () => void;

  constructor() {
    super();
    this.addClass("tftrace-output");
    this.stopFollowing = onLabSettings(() => this.applyHeight());
    this.applyHeight();
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[MIME_TYPE] as unknown;
    const reveal = revealHandler();
    await render(this.node, data as never, reveal ? { onReveal: (location) => reveal(location, this.node) } : {});
    showView(this.node, labSettings().defaultView);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.stopFollowing();
    super.dispose();
  }

  private applyHeight(): void {
    const most = labSettings().notebookOutputMaxHeight;
    this.node.style.maxHeight = most > 0 ? `${most}px` : "";
    this.node.style.overflowY = most > 0 ? "auto" : "";
    this.node.setAttribute("data-tftrace-max-height", String(most));
  }
}

const extension: IRenderMime.IExtension = {
  id: "tftrace-labextension:mime",
  rendererFactory: {
    safe: true,
    mimeTypes: [MIME_TYPE],
    createRenderer: () => new TftraceOutput(),
  },
  rank: 0,
  dataType: "json",
};

export default extension;
