"""A pytest plugin, on for every run: scan what every test of a run logged and printed for the test secrets.

    Enabled for every run by pyproject.toml (addopts "-p whole_run_scan", log_level DEBUG).

pytest already keeps each test's captured log, stdout and stderr on its report, so the scan costs one
substring search per secret over text that exists anyway; ``-o log_level=DEBUG`` makes the captured
log include DEBUG lines (without it only WARNING and above are recorded). The secrets are those of
the sample gateway configuration, plus anything shaped like a token its STS issues.
Leaks are listed at the end of the run and make it fail.
"""

from __future__ import annotations

import pytest
from reliability_support import Exposure

from apiclient.gateway import sample_config

_exposure = Exposure()
_leaks: list[str] = []
_scanned: set[tuple[str, str]] = set()  # a later phase's report repeats the earlier phases' sections


def pytest_configure(config: pytest.Config) -> None:
    _exposure.know_config(sample_config())


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, text in report.sections:
        if (report.nodeid, name) not in _scanned:
            _scanned.add((report.nodeid, name))
            _exposure.texts.append((f"{report.nodeid} [{name}]", text))
    _leaks.extend(_exposure.leaks([]))
    _exposure.texts.clear()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _leaks and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _leaks:
        terminalreporter.section("secrets in captured output", red=True)
        for leak in _leaks:
            terminalreporter.line(leak)
    else:
        terminalreporter.line("whole-run secret scan: no test secret or token in any captured log or output")
