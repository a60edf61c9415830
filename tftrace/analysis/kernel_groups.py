"""The kernel rows grouped the way a GPU engineer reads them: by kernel, or by TensorFlow op.

The Profile keeps one kernel row per (device, kernel, op, launch shape). ``by_kernel``
groups them as XProf's kernel_stats does, by kernel name and launch shape (grid, block,
registers, shared memory) over every device: one row per kernel and shape, with the
TensorFlow ops that launched it (their share of its time) and the devices it ran on.
``by_op`` groups them by TensorFlow op, with the kernels each op launched. Both are
computed from the rows on demand (old run files get them too) and sorted by time.
"""

from __future__ import annotations

import re

from .kernel_names import family, short_name

NO_OP = ""  # kernels no TensorFlow op is known for
_NUMBERED = re.compile(r"(?<=_)\d+(?=/|$)")


def op_pattern(op: str) -> str:
    """An op name with its replica, layer and copy numbers folded (``replica_4/layer_17/Cast_1`` ->
    ``replica_*/layer_*/Cast_*``): the same op of every layer and replica reads as one."""
    return _NUMBERED.sub("*", op)


def _shape(k) -> tuple:
    return (k.grid, k.block, k.registers, k.shared_mem_bytes)


def by_kernel(kernels) -> list[dict]:
    """[{name, short_name, family, grid, block, registers, shared_mem_bytes, occupancy_pct, count, total_us,
    avg_us, min_us, max_us, ops: [{op, count, total_us, share_pct}], op_groups: [{pattern, ops, count,
    total_us, share_pct}], devices: [{device, count, total_us}]}]."""
    groups: dict = {}
    for k in kernels:
        row = groups.get((k.name,) + _shape(k))
        if row is None:
            row = groups[(k.name,) + _shape(k)] = {
                "name": k.name, "short_name": short_name(k.name), "family": family(k.name),
                "grid": k.grid, "block": k.block, "registers": k.registers, "shared_mem_bytes": k.shared_mem_bytes,
                "occupancy_pct": k.occupancy_pct, "count": 0, "total_us": 0.0, "min_us": k.min_us,
                "max_us": k.max_us, "ops": {}, "devices": {}}
        _add(row, k)
        _add_part(row["ops"], k.op or NO_OP, k)
        _add_part(row["devices"], k.device, k)
    out = _finish(groups.values(), "ops", "op", "devices", "device")
    for row in out:
        row["op_groups"] = _op_groups(row["ops"], row["total_us"])
    return out


def _op_groups(ops: list, total: float) -> list[dict]:
    """[{pattern, ops, count, total_us, share_pct}]: the kernel's ops folded by ``op_pattern``."""
    groups: dict = {}
    for op in ops:
        group = groups.setdefault(op_pattern(op["op"]), [0, 0, 0.0])
        group[0] += 1
        group[1] += op["count"]
        group[2] += op["total_us"]
    rows = [{"pattern": pattern, "ops": n, "count": count, "total_us": round(us, 3),
             "share_pct": round(100.0 * us / total, 2) if total else 0.0}
            for pattern, (n, count, us) in groups.items()]
    rows.sort(key=lambda r: (-r["total_us"], r["pattern"]))
    return rows


def by_op(kernels) -> list[dict]:
    """[{op, count, total_us, avg_us, min_us, max_us, devices, kernels: [{name, short_name, count, total_us,
    share_pct}]}]: per TensorFlow op ("" for kernels without one) the kernels it launched."""
    groups: dict = {}
    for k in kernels:
        op = k.op or NO_OP
        row = groups.get(op)
        if row is None:
            row = groups[op] = {"op": op, "count": 0, "total_us": 0.0, "min_us": k.min_us, "max_us": k.max_us,
                                "kernels": {}, "devices": {}}
        _add(row, k)
        _add_part(row["kernels"], k.name, k)
        _add_part(row["devices"], k.device, k)
    out = _finish(groups.values(), "kernels", "name", "devices", "device")
    for row in out:
        for part in row["kernels"]:
            part["short_name"] = short_name(part["name"])
    return out


def _add(row: dict, k) -> None:
    row["count"] += k.count
    row["total_us"] += k.total_us
    row["min_us"] = min(row["min_us"], k.min_us)
    row["max_us"] = max(row["max_us"], k.max_us)


def _add_part(parts: dict, key: str, k) -> None:
    part = parts.setdefault(key, [0, 0.0])
    part[0] += k.count
    part[1] += k.total_us


def _finish(rows, parts_key: str, part_name: str, devices_key: str, device_name: str) -> list[dict]:
    out = []
    for row in rows:
        total = row["total_us"] = round(row["total_us"], 3)
        row["avg_us"] = round(total / row["count"], 3) if row["count"] else 0.0
        row[parts_key] = _parts(row[parts_key], part_name, total, share=True)
        row[devices_key] = _parts(row[devices_key], device_name, total, share=False)
        out.append(row)
    out.sort(key=lambda r: (-r["total_us"], r.get("name", r.get("op", ""))))
    return out


def _parts(parts: dict, name: str, total: float, share: bool) -> list[dict]:
    rows = []
    for key, (count, us) in sorted(parts.items(), key=lambda item: (-item[1][1], item[0])):
        row = {name: key, "count": count, "total_us": round(us, 3)}
        if share:
            row["share_pct"] = round(100.0 * us / total, 2) if total else 0.0
        rows.append(row)
    return rows
