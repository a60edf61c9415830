"""The tftrace error hierarchy: one base class, each kind carrying its CLI exit code.

Every error message is one line a user can act on; the CLI prints it and exits with
``exit_code``, the magic shows it without a traceback.
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


class StoreError(TftraceError):
    """A run id that is not in the store, or a store that cannot be opened."""

    exit_code = 5
