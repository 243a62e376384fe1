"""Timing helpers shared by the benchmarks: interleaved rounds, medians, a plain table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def per_call_seconds(function: Callable[[], object], calls: int) -> float:
    """Mean seconds per call over ``calls`` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def interleaved(
    contenders: dict[str, Callable[[], object]], *, rounds: int, calls: int
) -> dict[str, list[float]]:
    """Per-call times of each contender, round by round, in alternating order so that drift
    (other processes, CPU frequency) hits every contender alike."""
    names = list(contenders)
    for function in contenders.values():  # warm caches and lazy imports before measuring
        per_call_seconds(function, max(1, calls // 10))
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_index in range(rounds):
        order = names if round_index % 2 == 0 else names[::-1]
        for name in order:
            samples[name].append(per_call_seconds(contenders[name], calls))
    return samples


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def print_table(title: str, rows: Sequence[Sequence[str]], header: Sequence[str]) -> None:
    """A plain fixed-width table."""
    table = [header, ["-" * max(len(row[i]) for row in [header, *rows]) for i in range(len(header))], *rows]
    widths = [len(cell) for cell in table[1]]
    print(f"\n{title}")
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
