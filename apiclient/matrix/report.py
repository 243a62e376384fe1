"""The report of a run: every judged cell, as data, as JSON and as JUnit XML."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apiclient.matrix.junit import junit_xml
from apiclient.matrix.model import Result

__all__ = ["Report"]


@dataclass(frozen=True)
class Report:
    """Every cell of a run, in the matrix's order."""

    results: tuple[Result, ...]
    offline: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every expectation was met."""
        return all(result.passed for result in self.results)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every undocumented reading the offline judge met, once each, in the order met."""
        return tuple(dict.fromkeys(w for result in self.results for w in result.actual.warnings))

    @property
    def failures(self) -> tuple[Result, ...]:
        """The cells whose expectation was not met."""
        return tuple(result for result in self.results if not result.passed)

    def to_dict(self) -> dict[str, Any]:
        """``{"passed", "offline", "total", "failed", "seconds", "results": [...]}``, JSON-ready."""
        return {
            "passed": self.ok,
            "offline": self.offline,
            "total": len(self.results),
            "failed": len(self.failures),
            "seconds": round(self.seconds, 3),
            "warnings": list(self.warnings),
            "results": [
                {
                    "identity": case.identity.name,
                    "request": case.request.name,
                    "method": case.request.method,
                    "path": case.request.path,
                    "expected": {
                        "outcome": case.expectation.outcome,
                        "status": case.expectation.status,
                        "cause": case.expectation.cause,
                    },
                    "actual": actual.to_dict(),
                    "passed": passed,
                }
                for case, actual, passed in self.results
            ],
        }

    def to_junit(self) -> str:
        """The report as JUnit XML (one ``<testcase>`` per cell), as CI systems read it."""
        return junit_xml(self.results, seconds=self.seconds)
