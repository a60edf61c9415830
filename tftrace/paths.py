"""Which source files are frameworks rather than the user's code.

TensorFlow, Keras and absl frames fold into one node under the user's line that
called them; tftrace's own frames (the CLI, runpy, hooks) are dropped from stacks;
tftrace's demos count as user code.
"""

from __future__ import annotations

import os

_SEP = os.sep
_TENSORFLOW = tuple(f"{_SEP}{name}{_SEP}" for name in ("tensorflow", "keras", "tf_keras", "absl"))
_TFTRACE = f"{_SEP}tftrace{_SEP}"
_DEMOS = f"{_SEP}tftrace{_SEP}demos{_SEP}"
_RUNPY = ("runpy.py", "<frozen runpy>")


def is_tensorflow(file: str) -> bool:
    return any(part in file for part in _TENSORFLOW)


def is_tftrace(file: str) -> bool:
    """tftrace's own machinery (not its demos), and runpy that `tftrace run` goes through."""
    return (_TFTRACE in file and _DEMOS not in file) or file.endswith(_RUNPY)


_LIBRARY = (f"{_SEP}site-packages{_SEP}", f"{_SEP}dist-packages{_SEP}", f"{_SEP}lib{_SEP}python3")


def is_library(file: str) -> bool:
    """Installed packages, the standard library and frozen modules: not the user's code."""
    return (file.startswith("<frozen") or any(part in file for part in _LIBRARY) or is_tftrace(file)
            or is_tensorflow(file) or _is_console_script(file))


_ENTRY_POINTS = tuple(f"{_TFTRACE}{name}" for name in ("magic.py", "cli.py", "__main__.py"))
_CAPTURE_MACHINERY = tuple(f"{_TFTRACE}{name}" for name in (
    f"capture{_SEP}session.py", f"capture{_SEP}profiler.py", f"capture{_SEP}pyspy.py", "display.py",
    f"analysis{_SEP}", "payload.py", "report.py", "store.py", "runfile.py",
    "keep.py", "outputs.py"))


def is_entry_point(file: str) -> bool:
    """tftrace's entry points (the magic, the command): the user's code runs below them."""
    return file.endswith(_ENTRY_POINTS) or _is_console_script(file)


def _is_console_script(file: str) -> bool:
    return os.path.basename(file) == "tftrace" and os.path.basename(os.path.dirname(file)) == "bin"


def is_capture_machinery(file: str) -> bool:
    """tftrace starting or stopping the profiler, or analysing and showing the profile."""
    return any(part in file for part in _CAPTURE_MACHINERY)


def is_function_call(frame_file: str, frame_name: str) -> bool:
    """The frame where a tf.function call enters TensorFlow."""
    return frame_file.endswith("polymorphic_function.py") and "__call__" in frame_name
