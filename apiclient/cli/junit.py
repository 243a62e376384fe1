"""JUnit XML for ``apiclient check --junit``: one test case per matrix cell, as CI systems read it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from apiclient.cli.matrix import Actual, Case

__all__ = ["write_junit"]


def write_junit(path: str | Path, results: Sequence[tuple[Case, Actual, bool]], *, seconds: float) -> None:
    """Write ``results`` (case, actual, passed) as a single ``<testsuite>``.

    A cell whose call itself failed (connection refused...) is an ``<error>``; an unmet
    expectation a ``<failure>`` carrying the diagnosis.
    """
    errors = sum(1 for _, actual, _ in results if actual.error is not None)
    failures = sum(1 for _, actual, passed in results if not passed and actual.error is None)
    suite = ET.Element(
        "testsuite",
        name="apiclient check",
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        time=f"{seconds:.3f}",
    )
    for case, actual, passed in results:
        testcase = ET.SubElement(suite, "testcase", classname=case.request.name, name=case.identity.name)
        if passed:
            continue
        message = f"expected {case.expectation.describe()}, got {actual.describe()}"
        kind = "error" if actual.error is not None else "failure"
        detail = ET.SubElement(testcase, kind, message=message, type=actual.cause or kind)
        detail.text = "\n".join(part for part in (message, actual.detail or actual.summary) if part)
    ET.ElementTree(suite).write(Path(path), encoding="utf-8", xml_declaration=True)
