"""Access matrices: who may call what, proven by real calls or judged by the policy engine.

::

    from apiclient.matrix import load_matrix, run

    report = run(load_matrix("matrix.yaml"))            # a call per cell; offline=True: no call
    for case, actual, passed in report.results:
        print(case.label, actual.describe(), "ok" if passed else "SURPRISE")
    Path("matrix.xml").write_text(report.to_junit())
    assert report.ok

The file format is described in :mod:`apiclient.matrix.load`; ``apiclient check`` is this
package on the command line.
"""

from apiclient.matrix.judges import Judge, offline_judge, online_judge
from apiclient.matrix.junit import junit_xml, write_junit
from apiclient.matrix.load import load_matrix
from apiclient.matrix.model import (
    Actual,
    Case,
    Expectation,
    IdentitySpec,
    Matrix,
    RequestSpec,
    Result,
    outcome_of_status,
)
from apiclient.matrix.report import Report
from apiclient.matrix.run import run

__all__ = [
    "Actual",
    "Case",
    "Expectation",
    "IdentitySpec",
    "Judge",
    "Matrix",
    "Report",
    "RequestSpec",
    "Result",
    "junit_xml",
    "load_matrix",
    "offline_judge",
    "online_judge",
    "outcome_of_status",
    "run",
    "write_junit",
]
