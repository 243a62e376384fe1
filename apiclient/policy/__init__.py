"""IAM policy language for execute-api: parse, lint, evaluate with a trace, explain, propose fixes.

Pure Python, no I/O. ``authorize`` decides an execute-api call as API Gateway
would (its workflows and Tables A/B); ``evaluate`` runs one policy for any action
(e.g. ``sts:AssumeRole`` against a role trust policy); ``who_can`` lists who may
call a method and from where; ``lint`` flags documents that may not mean what they say.
``action_for`` names the action a path is authorized as (``execute-api:ManageConnections`` for a
WebSocket API's ``@connections`` API); ``IdentityPolicy`` labels an identity policy (a group's).
"""

from apiclient.policy.actions import ACTIONS, action_for
from apiclient.policy.context import AccessRequest
from apiclient.policy.decision import (
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Decision,
    Fix,
    LintWarning,
    ReadingWarning,
)
from apiclient.policy.identity import IdentityPolicy
from apiclient.policy.lint import lint
from apiclient.policy.model import Policy
from apiclient.policy.parse import parse_policy
from apiclient.policy.readings import Alternative
from apiclient.policy.single import evaluate
from apiclient.policy.trace import ElementResult, StatementRef, StatementTrace
from apiclient.policy.who_can import Grant, WhoCan, who_can
from apiclient.policy.workflow import authorize

__all__ = [
    "ACTIONS",
    "ALLOW",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "AccessRequest",
    "Alternative",
    "Decision",
    "ElementResult",
    "Fix",
    "Grant",
    "IdentityPolicy",
    "LintWarning",
    "Policy",
    "ReadingWarning",
    "StatementRef",
    "StatementTrace",
    "WhoCan",
    "action_for",
    "authorize",
    "evaluate",
    "lint",
    "parse_policy",
    "who_can",
]
