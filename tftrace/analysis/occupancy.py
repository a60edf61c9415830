"""Theoretical occupancy of a CUDA kernel launch, from its launch parameters.

The same arithmetic as NVIDIA's occupancy calculator (and XProf's kernel_stats):
active warps per SM are limited by threads, blocks, registers and shared memory
per SM for the device's compute capability.
"""

from __future__ import annotations

import math
from collections import namedtuple


# Per SM: max warps, max blocks, registers, register allocation granularity (per warp),
# max registers per thread, shared memory usable by blocks (bytes), its granularity.
_Sm = namedtuple("_Sm", "max_warps max_blocks regs reg_unit max_regs_per_thread smem smem_unit")


_BY_CAPABILITY = {
    (3, 0): _Sm(64, 16, 65536, 256, 63, 49152, 256), (3, 5): _Sm(64, 16, 65536, 256, 255, 49152, 256),
    (3, 7): _Sm(64, 16, 131072, 256, 255, 114688, 256), (5, 0): _Sm(64, 32, 65536, 256, 255, 65536, 256),
    (5, 2): _Sm(64, 32, 65536, 256, 255, 98304, 256), (5, 3): _Sm(64, 32, 65536, 256, 255, 65536, 256),
    (6, 0): _Sm(64, 32, 65536, 256, 255, 65536, 256), (6, 1): _Sm(64, 32, 65536, 256, 255, 98304, 256),
    (6, 2): _Sm(64, 32, 65536, 256, 255, 65536, 256), (7, 0): _Sm(64, 32, 65536, 256, 255, 98304, 256),
    (7, 2): _Sm(64, 32, 65536, 256, 255, 98304, 256), (7, 5): _Sm(32, 16, 65536, 256, 255, 65536, 256),
    (8, 0): _Sm(64, 32, 65536, 256, 255, 167936, 128), (8, 6): _Sm(48, 16, 65536, 256, 255, 102400, 128),
    (8, 7): _Sm(48, 16, 65536, 256, 255, 167936, 128), (8, 9): _Sm(48, 24, 65536, 256, 255, 102400, 128),
    (9, 0): _Sm(64, 32, 65536, 256, 255, 233472, 128),
}


def _sm(major: int, minor: int) -> _Sm | None:
    exact = _BY_CAPABILITY.get((major, minor))
    if exact:
        return exact
    candidates = [k for k in _BY_CAPABILITY if k <= (major, minor)]
    return _BY_CAPABILITY[max(candidates)] if candidates else None


def occupancy_pct(major: int, minor: int, threads_per_block: int, regs_per_thread: int, smem_per_block: int) -> float:
    """Percent of the SM's warp slots a launch can keep active (0 when unknown)."""
    sm = _sm(major, minor)
    if sm is None or threads_per_block <= 0:
        return 0.0
    warps_per_block = math.ceil(threads_per_block / 32)
    limits = [sm.max_blocks, sm.max_warps // warps_per_block]
    if regs_per_thread > 0:
        regs_per_warp = math.ceil(regs_per_thread * 32 / sm.reg_unit) * sm.reg_unit
        limits.append((sm.regs // regs_per_warp) // warps_per_block)
    if smem_per_block > 0:
        smem = math.ceil(smem_per_block / sm.smem_unit) * sm.smem_unit
        limits.append(sm.smem // smem)
    blocks = max(0, min(limits))
    return 100.0 * blocks * warps_per_block / sm.max_warps
