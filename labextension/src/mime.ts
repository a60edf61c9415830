// JupyterLab mime renderer for application/vnd.tftrace.payload+json: the %%tftrace
// output keeps rendering after the notebook is reloaded without a kernel. Code locations
// in notebook cells link to the cell (the hook comes from plugin.ts, see reveal-hook.ts).

import { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";

import { render } from "./app";
import { revealHandler } from "./reveal-hook";

export const MIME_TYPE = "application/vnd.tftrace.payload+json";

class TftraceOutput extends Widget implements IRenderMime.IRenderer {
  constructor() {
    super();
    this.addClass("tftrace-output");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[MIME_TYPE] as unknown;
    const reveal = revealHandler();
    await render(this.node, data as never, reveal ? { onReveal: (location) => reveal(location, this.node) } : {});
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
