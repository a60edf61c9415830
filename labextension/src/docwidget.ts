// .tftrace run files as JupyterLab documents: double-click one in the file browser and
// its views open in a tab. A run file is a zip, so the document's context never reads its
// bytes (a model factory with no file format: the contents API sends metadata only); the
// view asks the server for the file's payload instead (GET /tftrace/file?path=), and again
// when the file changes on disk. Read-only: the model says so, and saving the document does
// nothing (JupyterLab 4.6's Save checks the file's permissions, not the model), so the run
// file is never written from here.

import type { ILayoutRestorer, JupyterFrontEnd } from "@jupyterlab/application";
import { WidgetTracker } from "@jupyterlab/apputils";
import {
  ABCWidgetFactory, DocumentRegistry, DocumentWidget, IDocumentWidget, TextModelFactory,
} from "@jupyterlab/docregistry";
import type { Contents } from "@jupyterlab/services";
import { Widget } from "@lumino/widgets";

import { errorText, filePayload } from "./api";
import { render } from "./app";
import { el } from "./dom";
import { tftraceIcon } from "./icons";
import type { CellRevealer } from "./lab-reveal";
import { labSettings, showView } from "./settings";

export const FILE_TYPE = "tftrace-run";
export const FACTORY = "tftrace views";
const MODEL = "tftrace-run-file";

// A document model whose content is never loaded (nor saved: the model is read-only).
class RunFileModelFactory extends TextModelFactory {
  get name(): string {
    return MODEL;
  }

  get fileFormat(): Contents.FileFormat {
    return null;
  }

  createNew(options: Parameters<TextModelFactory["createNew"]>[0] = {}): DocumentRegistry.ICodeModel {
    const model = super.createNew(options);
    model.readOnly = true;
    return model;
  }
}

export class RunFileView extends Widget {
  private loaded: string | null = null; // the last_modified the views were drawn from

  constructor(
    private readonly context: DocumentRegistry.Context,
    private readonly revealer: CellRevealer,
  ) {
    super();
    this.addClass("tft-main");
    this.node.setAttribute("data-tftrace-file", context.localPath);
    this.node.append(el("div", { class: "tft-main-status" }, [`loading ${context.localPath}…`]));
    void context.ready.then(() => this.load());
    context.fileChanged.connect(this.onFileChanged, this);
  }

  private onFileChanged(_: unknown, model: Omit<Contents.IModel, "content">): void {
    if (this.loaded !== null && model.last_modified !== this.loaded) void this.load();
  }

  private async load(): Promise<void> {
    this.loaded = this.context.contentsModel?.last_modified ?? "";
    const path = this.context.localPath;
    this.node.setAttribute("data-tftrace-file", path);
    try {
      const payload = await filePayload(path);
      if (this.isDisposed) return;
      await render(this.node, payload as never, { onReveal: (location) => this.revealer.reveal(location, this.node) });
      showView(this.node, labSettings().defaultView);
    } catch (error) {
      if (!this.isDisposed) this.node.replaceChildren(el("div", { class: "tft-main-status tft-main-error" },
        [`tftrace: cannot show ${path}: ${errorText(error)}`]));
    }
  }
}

class RunFileFactory extends ABCWidgetFactory<IDocumentWidget<RunFileView>> {
  constructor(
    options: DocumentRegistry.IWidgetFactoryOptions<IDocumentWidget<RunFileView>>,
    private readonly revealer: CellRevealer,
  ) {
    super(options);
  }

  protected createNewWidget(context: DocumentRegistry.Context): IDocumentWidget<RunFileView> {
    context.save = () => Promise.resolve();
    const widget = new DocumentWidget({ content: new RunFileView(context, this.revealer), context });
    widget.title.icon = tftraceIcon;
    return widget;
  }
}

// Registers the file type, its model and its viewer (the default for .tftrace), and restores
// open run files after a reload.
export function addRunFiles(app: JupyterFrontEnd, revealer: CellRevealer, restorer: ILayoutRestorer | null): void {
  const registry = app.docRegistry;
  registry.addFileType({
    name: FILE_TYPE,
    displayName: "tftrace run",
    extensions: [".tftrace"],
    mimeTypes: ["application/vnd.tftrace.run+zip"],
    icon: tftraceIcon,
    contentType: "file",
    fileFormat: "base64",
  });
  registry.addModelFactory(new RunFileModelFactory());
  const factory = new RunFileFactory({
    name: FACTORY,
    label: "tftrace views",
    modelName: MODEL,
    fileTypes: [FILE_TYPE],
    defaultFor: [FILE_TYPE],
    readOnly: true,
  }, revealer);
  registry.addWidgetFactory(factory);
  const tracker = new WidgetTracker<IDocumentWidget<RunFileView>>({ namespace: "tftrace-file" });
  factory.widgetCreated.connect((_, widget) => {
    widget.context.pathChanged.connect(() => void tracker.save(widget));
    void tracker.add(widget);
  });
  if (restorer) {
    void restorer.restore(tracker, {
      command: "docmanager:open",
      args: (widget) => ({ path: widget.context.path, factory: FACTORY }),
      name: (widget) => widget.context.path,
    });
  }
}
