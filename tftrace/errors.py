"""The tftrace error hierarchy: one base class, each kind carrying its CLI exit code.

Every error message is one line a user can act on; the CLI prints it and exits with
``exit_code`` (a traceback only with ``tftrace --debug``), the magic raises it as a
``UsageError``, the server answers it with a 4xx JSON error. Exit codes: 1 other, 2
source, 3 empty profile, 4 capture (TensorFlow missing included), 5 store, 6 output
path; the CLI adds 130 for Ctrl-C (see DESIGN.md, CLI contract).
"""


class TftraceError(Exception):
    """Base of every error tftrace raises on purpose."""

    exit_code = 1


class SourceError(TftraceError):
    """A profile source that does not exist or cannot be read (missing, corrupt, truncated)."""

    exit_code = 2


class EmptyProfileError(TftraceError):
    """A readable profile that holds nothing to analyse."""

    exit_code = 3


class CaptureError(TftraceError):
    """The TensorFlow profiler could not be started or stopped."""

    exit_code = 4


class NestedTraceError(CaptureError):
    """A trace was started while another tftrace trace is running."""


class TensorFlowMissingError(CaptureError):
    """A trace needs TensorFlow and this Python has none (or cannot import it).

    TensorFlow is not a dependency of tftrace: it traces whichever distribution the
    environment has (tensorflow, tensorflow-cpu, tf-nightly, a vendor build)."""


class StoreError(TftraceError):
    """A run id that is not in the store, or a store that cannot be opened or written."""

    exit_code = 5


class OutputError(TftraceError):
    """An output path that cannot be written (missing directory, read-only, a directory)."""

    exit_code = 6
