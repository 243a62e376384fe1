"""Running a matrix: every cell judged on a thread pool, results in the matrix's order."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from apiclient.matrix.judges import Judge, offline_judge, online_judge
from apiclient.matrix.model import Case, Matrix, Result
from apiclient.matrix.report import Report

__all__ = ["run"]


def run(
    matrix: Matrix,
    *,
    offline: bool = False,
    workers: int = 8,
    judge: Judge | None = None,
    on_done: Callable[[Result], None] | None = None,
) -> Report:
    """Judge every cell of ``matrix`` and compare each outcome with its expectation.

    Args:
        matrix: from ``load_matrix``.
        offline: judge with the policy engine and the matrix's policies; call nothing.
        workers: cells judged at once (calls in flight, online).
        judge: judge the cells with this instead (``offline_judge(matrix)`` and
            ``online_judge(matrix)`` are the two built in).
        on_done: called with each result as its cell is judged, from the worker thread.

    Raises:
        ConfigError, CredentialsError, PolicyError: the matrix cannot be judged (found before
            any cell is).
    """
    if judge is None:
        judge = offline_judge(matrix) if offline else online_judge(matrix)
    chosen = judge
    started = time.monotonic()

    def one(case: Case) -> Result:
        actual = chosen(case)
        result = Result(case, actual, case.expectation.met_by(actual, judge_status_as_outcome=offline))
        if on_done is not None:
            on_done(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="apiclient-matrix") as pool:
        results = tuple(pool.map(one, matrix.cases))
    return Report(results, offline=offline, seconds=time.monotonic() - started)
