"""Capture: the only package that imports TensorFlow, and only inside functions."""

from .session import Trace, trace

__all__ = ["Trace", "trace"]
