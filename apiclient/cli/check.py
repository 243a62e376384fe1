"""``apiclient check MATRIX.yaml``: prove an access matrix, online or offline, with a JUnit report."""

from __future__ import annotations

import dataclasses
import sys
import threading
import time
from typing import Any

import click

from apiclient.cli.app import CliContext, common_options, pass_cli_context
from apiclient.cli.errors import ExitCode
from apiclient.cli.junit import write_junit
from apiclient.cli.matrix import load_matrix
from apiclient.cli.matrix_offline import offline_judge
from apiclient.cli.matrix_online import online_judge
from apiclient.cli.matrix_run import Result, run_cases
from apiclient.cli.render import emit, table

__all__ = ["check"]


def _report(results: list[Result], offline: bool, seconds: float) -> dict[str, Any]:
    return {
        "passed": all(passed for _, _, passed in results),
        "offline": offline,
        "total": len(results),
        "failed": sum(1 for _, _, passed in results if not passed),
        "seconds": round(seconds, 3),
        "results": [
            {
                "identity": case.identity.name,
                "request": case.request.name,
                "method": case.request.method,
                "path": case.request.path,
                "expected": dataclasses.asdict(case.expectation),
                "actual": actual.to_dict(),
                "passed": passed,
            }
            for case, actual, passed in results
        ],
    }


def _text(results: list[Result], offline: bool) -> str:
    rows = [
        (
            case.identity.name,
            case.request.name,
            case.expectation.describe(),
            actual.describe(),
            "ok" if passed else "FAIL",
        )
        for case, actual, passed in results
    ]
    lines = [table(("identity", "request", "expected", "actual", "result"), rows)]
    surprises = [(case, actual) for case, actual, passed in results if not passed]
    for case, actual in surprises:
        surprise = f"expected {case.expectation.describe()}, got {actual.describe()}"
        lines += ["", f"SURPRISE {case.label}: {surprise}"]
        lines += [f"  {line}" for line in (actual.detail or actual.summary).splitlines()]
    mode = " (offline, policy engine)" if offline else ""
    lines += ["", f"{len(results) - len(surprises)}/{len(results)} expectations met{mode}"]
    return "\n".join(lines)


@click.command()
@click.argument("matrix_file", metavar="MATRIX.yaml", type=click.Path(dir_okay=False))
@click.option("--offline", is_flag=True, help="Judge with the policy engine and policy files; call nothing.")
@click.option("--junit", "junit_file", type=click.Path(dir_okay=False), help="Write a JUnit XML report.")
@click.option("--workers", type=click.IntRange(1, 64), default=8, show_default=True, help="Parallel calls.")
@click.option("--url", help="Override the matrix's url (the same matrix against another stage).")
@click.option("--connect-to", metavar="HOST:PORT", help="Override the matrix's connect_to.")
@common_options
@pass_cli_context
def check(
    state: CliContext,
    /,
    *,
    matrix_file: str,
    offline: bool,
    junit_file: str | None,
    workers: int,
    url: str | None,
    connect_to: str | None,
) -> None:
    """Run every identity x request of MATRIX.yaml and compare with the expected outcome.

    Calls run in parallel; a progress bar shows on a terminal. Every surprise is printed with its
    diagnosis, and the command exits 5 when any expectation fails. --offline judges the same
    matrix with the policy engine instead of calling the API.

    \b
    url: https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod
    identities:
      reader:  {profile: readonly}
      partner: {role_arn: "arn:aws:iam::111111111111:role/tester", external_id: xyz}
    requests:
      - method: GET
        path: /products
        expect: {reader: allow, partner: {outcome: deny, cause: no_allow}}

    Every field is described in the apiclient.cli.matrix module.
    """
    matrix = load_matrix(matrix_file)
    matrix = dataclasses.replace(
        matrix,
        url=url or matrix.url,
        connect_to=connect_to or matrix.connect_to,
        region=matrix.region or state.region,
    )
    judge = offline_judge(matrix) if offline else online_judge(matrix)
    stderr = sys.stderr  # CliRunner swaps sys.stderr, so tests see it too
    lock = threading.Lock()
    started = time.monotonic()
    # The bar is drawn only on a terminal, so CI logs and pipes stay clean.
    hidden = not stderr.isatty()
    with click.progressbar(length=len(matrix.cases), label="checking", file=stderr, hidden=hidden) as bar:

        def advance() -> None:
            with lock:
                bar.update(1)

        results = run_cases(matrix.cases, judge, workers=workers, offline=offline, on_done=advance)
    seconds = time.monotonic() - started
    if junit_file is not None:
        write_junit(junit_file, results, seconds=seconds)
    emit(state, _report(results, offline, seconds), _text(results, offline))
    if not all(passed for _, _, passed in results):
        raise click.exceptions.Exit(ExitCode.EXPECTATION_FAILED)
