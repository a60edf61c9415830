// tftrace's stylesheet as a module (package.json "styleModule"): the same files as index.css.
import "./variables.css";
import "./base.css";
import "./summary.css";
import "./tables.css";
import "./steps.css";
import "./memory.css";
import "./graph.css";
import "./flame.css";
import "./timeline.css";
import "./diff.css";
import "./sidebar.css";
