"""Sum per-event values by key: the one reduction every table uses."""

from __future__ import annotations


def sum_by_key(keys, totals, selfs) -> dict:
    """{key: [count, total, self]}: per-event totals and self times summed per key."""
    out: dict = {}
    for key, total, self_ in zip(keys, totals, selfs):
        acc = out.get(key)
        if acc is None:
            out[key] = [1, total, self_]
        else:
            acc[0] += 1
            acc[1] += total
            acc[2] += self_
    return out


def merge_sums(parts) -> dict:
    """``sum_by_key`` results added together (parts in a fixed order: the result does not depend on it)."""
    out: dict = {}
    for part in parts:
        for key, values in part.items():
            acc = out.get(key)
            if acc is None:
                out[key] = list(values)
            else:
                acc[0] += values[0]
                acc[1] += values[1]
                acc[2] += values[2]
    return out


def accumulate(rows: dict, key, make, **add) -> None:
    """Add ``add``'s fields into ``rows[key]``, creating it with ``make()`` the first time."""
    row = rows.get(key)
    if row is None:
        rows[key] = make()
        return
    for name, value in add.items():
        setattr(row, name, getattr(row, name) + value)


def ps_to_us(value: int) -> float:
    return value / 1e6
