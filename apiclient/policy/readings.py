"""Questions AWS leaves undocumented, and the two readings of each.

The engine never guesses silently: it evaluates with the primary readings, notes
which questions a request actually touched, and re-evaluates with each touched
question flipped. When the verdict changes, the Decision shows both
(IAM User Guide, "IAM JSON policy elements: Principal", "... NotPrincipal" and "... Condition operators":
account principal, NotPrincipal, CIDR whitespace, name case; API Gateway Developer Guide, "How API Gateway
resource policies affect authorization workflow": Cognito).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

CIDR_WHITESPACE = "cidr_whitespace_trimmed"

QUESTIONS: dict[str, tuple[str, str, str]] = {
    "account_principal_direct_grant": (
        "Does a resource-policy Allow for the API owner's own account grant access by itself?",
        "yes: API Gateway's Table A treats it as a direct grant",
        "no: it delegates to the account, so an identity-policy Allow is still needed "
        "(IAM's usual reading, and @cloud-copilot/iam-simulate's)",
    ),
    "notprincipal_named_is_enough": (
        "Is a caller that NotPrincipal names exempt when its account (or, for a session, its role) "
        "is not listed too?",
        "yes: naming the caller is enough",
        "no: AWS may check the account, then the role, then the session, "
        "and deny at the first one not listed",
    ),
    CIDR_WHITESPACE: (
        "How does AWS read a CIDR with surrounding whitespace?",
        "the whitespace is trimmed and the CIDR applies",
        "the value is not a valid CIDR and never matches (parliament, iam-simulate)",
    ),
    "principal_name_case_sensitive": (
        "Is the user or role name in a resource-policy Principal matched case-sensitively?",
        "yes: the IAM docs say the name part of a Principal ARN is case sensitive",
        "no: if API Gateway stores the principal as its unique ID (as role trust policies do), "
        "and IAM names are unique regardless of case, the caller matches",
    ),
    "cognito_explicit_allow_required": (
        "With a Cognito authorizer, may a resource policy that is silent still let the call through?",
        "no: the workflow text says an explicit allow in the resource policy is required",
        "yes: Table A lists 'authorizer Allow + resource policy Neither' as Allow",
    ),
}


@dataclass(frozen=True, slots=True)
class Readings:
    """One answer to each open question; the defaults are the primary readings."""

    account_principal_direct_grant: bool = True
    notprincipal_named_is_enough: bool = True
    cidr_whitespace_trimmed: bool = True
    principal_name_case_sensitive: bool = True
    cognito_explicit_allow_required: bool = True

    def flipped(self, question: str) -> Readings:
        value: bool = getattr(self, question)
        return replace(self, **{question: not value})


@dataclass(frozen=True, slots=True)
class Alternative:
    """A verdict that an alternative reading of an open question would give."""

    question: str
    primary: str
    alternative: str
    result_if_alternative: str

    def to_dict(self) -> dict[str, str]:
        return {
            "question": self.question,
            "primary_reading": self.primary,
            "alternative_reading": self.alternative,
            "result_if_alternative": self.result_if_alternative,
        }
