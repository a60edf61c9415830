"""Lines of autograph-generated code mapped back to the user's source.

While a tf.function traces, autograph runs a converted copy of the user's function
from a generated file (``__autograph_generated_file*.py``); py-spy samples it there.
Autograph keeps a source map per converted function (its transpiler cache); this
reads it once at the end of a trace: {(generated file, line): (file, line)}.
"""

from __future__ import annotations

import sys


def autograph_lines() -> dict:
    api = sys.modules.get("tensorflow.python.autograph.impl.api")
    cache = getattr(getattr(getattr(api, "_TRANSPILER", None), "_cache", None), "_cache", None)
    if cache is None:
        return {}
    out = {}
    try:
        factories = [f for subkeys in list(cache.values()) for f in list(subkeys.values())]
    except (TypeError, AttributeError, RuntimeError):
        return {}
    for factory in factories:
        for generated, origin in (getattr(factory, "source_map", None) or {}).items():
            loc = getattr(origin, "loc", None)
            if loc is not None and getattr(generated, "filename", None):
                out[(generated.filename, generated.lineno)] = (loc.filename, loc.lineno)
    return out
