// tftrace's icon as a LabIcon (themed like JupyterLab's own): the runs sidebar, run and
// comparison tabs, .tftrace files in the file browser, the settings editor.

import { LabIcon } from "@jupyterlab/ui-components";

import tftraceSvg from "../style/icons/tftrace.svg";

export const tftraceIcon = new LabIcon({ name: "tftrace-labextension:tftrace", svgstr: tftraceSvg });
