"""``python -m tftrace``: the CLI."""

from .cli import run

run()
