"""Why API Gateway refused a call: ``classify`` a 401/403, ``diagnose`` it with the client's knowledge.

``causes`` holds the cause table; ``RefusedCall`` is the one record of a refused call.
"""

from apiclient.diagnostics.causes import CAUSE_TABLE, CAUSES, Cause, CauseInfo, decision_cause
from apiclient.diagnostics.classify import classify
from apiclient.diagnostics.diagnose import diagnose, diagnose_call
from apiclient.diagnostics.identity import CallerIdentity, caller_identity
from apiclient.diagnostics.model import Diagnosis
from apiclient.diagnostics.options import DiagnoseOptions
from apiclient.diagnostics.verdict import RefusedCall

__all__ = [
    "CAUSES",
    "CAUSE_TABLE",
    "CallerIdentity",
    "Cause",
    "CauseInfo",
    "DiagnoseOptions",
    "Diagnosis",
    "RefusedCall",
    "caller_identity",
    "classify",
    "decision_cause",
    "diagnose",
    "diagnose_call",
]
