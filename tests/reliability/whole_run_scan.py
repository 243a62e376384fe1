"""A pytest plugin, on for every run: scan what every test of a run logged and printed for the test secrets.

    Enabled for every run by pyproject.toml (addopts "-p whole_run_scan", log_level DEBUG).

pytest already keeps each test's captured log, stdout and stderr on its report, so the scan costs one
substring search per secret over text that exists anyway; ``-o log_level=DEBUG`` makes the captured
log include DEBUG lines (without it only WARNING and above are recorded). What the CLI prints under
``CliRunner``, which pytest's capture never sees, is recorded by a wrapper around ``CliRunner.invoke``
and scanned with the rest. The secrets are those of the sample gateway configuration (keys, web-identity
tokens, API keys), plus anything shaped like a token its STS issues.
Leaks are listed at the end of the run and make it fail.
"""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner, Result
from reliability_support import Exposure

from apiclient.gateway import sample_config

_exposure = Exposure()
_leaks: list[str] = []
_scanned: set[tuple[str, str]] = set()  # a later phase's report repeats the earlier phases' sections
_current = ["(outside a test)"]


def pytest_configure(config: pytest.Config) -> None:
    _exposure.know_config(sample_config())
    # Every API key the sample's APIs accept is a secret too.
    _exposure.secrets.update(key for api in sample_config().apis for key in api.api_keys)
    _watch_cli_runs()


def _watch_cli_runs() -> None:
    """Record what every in-process CLI run of the run printed (CliRunner keeps it off pytest's capture)."""
    if getattr(CliRunner.invoke, "_scanned", False):
        return
    original = CliRunner.invoke

    def invoke(self: CliRunner, *args: Any, **kwargs: Any) -> Result:
        result = original(self, *args, **kwargs)
        command = args[1] if len(args) > 1 else kwargs.get("args")
        shown = " ".join(str(a) for a in command[:2]) if isinstance(command, list | tuple) else str(command)
        for stream, data in (("stdout", result.stdout_bytes), ("stderr", result.stderr_bytes)):
            text = data.decode("utf-8", "replace") if data else ""
            _exposure.texts.append((f"{_current[0]} [apiclient {shown} {stream}]", text))
        return result

    invoke._scanned = True  # type: ignore[attr-defined]
    CliRunner.invoke = invoke  # type: ignore[method-assign]


def pytest_runtest_setup(item: pytest.Item) -> None:
    _current[0] = item.nodeid


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
