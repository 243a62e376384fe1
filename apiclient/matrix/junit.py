"""JUnit XML for a matrix run: one test case per cell, as CI systems read it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from apiclient.matrix.model import Actual, Case

__all__ = ["junit_xml", "write_junit"]


def junit_xml(results: Sequence[tuple[Case, Actual, bool]], *, seconds: float) -> str:
    """``results`` (case, actual, passed) as a single ``<testsuite>``.

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
    return "<?xml version='1.0' encoding='utf-8'?>\n" + ET.tostring(suite, encoding="unicode") + "\n"


def write_junit(path: str | Path, results: Sequence[tuple[Case, Actual, bool]], *, seconds: float) -> None:
    """Write ``junit_xml(results, seconds=seconds)`` to ``path`` (UTF-8)."""
    Path(path).write_text(junit_xml(results, seconds=seconds), encoding="utf-8")
