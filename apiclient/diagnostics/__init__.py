"""Why API Gateway refused a call: ``classify`` a 401/403, ``diagnose`` it with the client's knowledge."""

from apiclient.diagnostics.classify import classify
from apiclient.diagnostics.diagnose import DiagnoseOptions, diagnose
from apiclient.diagnostics.identity import CallerIdentity, caller_identity
from apiclient.diagnostics.model import CAUSES, Cause, Diagnosis

__all__ = [
    "CAUSES",
    "CallerIdentity",
    "Cause",
    "DiagnoseOptions",
    "Diagnosis",
    "caller_identity",
    "classify",
    "diagnose",
]
