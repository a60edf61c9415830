"""The built front-end bundle (``tftrace/static/tftrace.js``), read once."""

from __future__ import annotations

import functools
from pathlib import Path

from .errors import TftraceError

BUNDLE = Path(__file__).parent / "static" / "tftrace.js"


@functools.lru_cache(maxsize=1)
def bundle_js() -> str:
    try:
        text = BUNDLE.read_text(encoding="utf-8")
    except OSError:
        raise TftraceError(f"the views bundle {BUNDLE} is missing: build it with `make` (npm run build)") from None
    return text.replace("</script", "<\\/script")
