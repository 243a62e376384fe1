"""``apiclient check MATRIX.yaml``: prove an access matrix, online or offline, with a JUnit report.

The matrix itself (loading, judging, JUnit) is :mod:`apiclient.matrix`; this is its command line.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from pathlib import Path

import click

from apiclient._redact import redact_text
from apiclient.cli.app import CliContext, ExitCode, colour_enabled, emit, pass_cli_context, table
from apiclient.cli.options import common_options
from apiclient.matrix import Report, Result, load_matrix, offline_judge, online_judge, run

__all__ = ["check"]


def _coloured(line: str, passed: bool) -> str:
    # The result is the table's last column: colour that word, after the padding is done.
    word = "ok" if passed else "FAIL"
    head = line[: len(line) - len(word)]
    return head + (click.style(word, fg="green") if passed else click.style(word, fg="red", bold=True))


def _text(report: Report, *, colour: bool = False) -> str:
    rows = [
        (
            case.identity.name,
            case.request.name,
            case.expectation.describe(),
            actual.describe(),
            "ok" if passed else "FAIL",
        )
        for case, actual, passed in report.results
    ]
    lines = table(("identity", "request", "expected", "actual", "result"), rows).splitlines()
    if colour:
        lines[2:] = [
            _coloured(line, passed) for line, (_, _, passed) in zip(lines[2:], report.results, strict=True)
        ]
    for case, actual, _ in report.failures:
        surprise = f"expected {case.expectation.describe()}, got {actual.describe()}"
        lines += ["", f"SURPRISE {case.label}: {surprise}"]
        lines += [f"  {line}" for line in (actual.detail or actual.summary).splitlines()]
    mode = " (offline, policy engine)" if report.offline else ""
    met = len(report.results) - len(report.failures)
    lines += ["", f"{met}/{len(report.results)} expectations met{mode}"]
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

    Every field is described in the apiclient.matrix.load module.
    """
    matrix = load_matrix(matrix_file)
    matrix = dataclasses.replace(
        matrix,
        url=url or matrix.url,
        connect_to=connect_to or matrix.connect_to,
        region=matrix.region or state.region,
    )
    # Built first: a matrix that cannot be judged is reported before any progress is drawn.
    judge = offline_judge(matrix) if offline else online_judge(matrix)
    stderr = sys.stderr  # CliRunner swaps sys.stderr, so tests see it too
    lock = threading.Lock()
    # The bar is drawn only on a terminal, so CI logs and pipes stay clean.
    hidden = not stderr.isatty()
    with click.progressbar(length=len(matrix.cases), label="checking", file=stderr, hidden=hidden) as bar:

        def advance(_result: Result) -> None:
            with lock:
                bar.update(1)

        report = run(matrix, offline=offline, workers=workers, judge=judge, on_done=advance)
    if junit_file is not None:
        Path(junit_file).write_text(redact_text(report.to_junit()), encoding="utf-8")
    emit(state, report.to_dict(), _text(report, colour=colour_enabled(sys.stdout)))
    for warning in report.warnings:
        click.echo(f"warning: undocumented AWS behaviour: {warning}", err=True)
    if not report.ok:
        raise click.exceptions.Exit(ExitCode.EXPECTATION_FAILED)
