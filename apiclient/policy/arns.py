"""ARN parsing and the principal kinds a caller's ARN denotes."""

from __future__ import annotations

import re
from dataclasses import dataclass

ACCOUNT_ID = re.compile(r"\d{12}")


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: str) -> Arn | None:
        """The ARN's segments, or None when ``text`` is not an ARN."""
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return None
        return cls(parts[1], parts[2], parts[3], parts[4], parts[5])


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling, as the policy engine needs it.

    ``kind`` is one of: anonymous, root, user, role, assumed-role, federated-user,
    service, other. For an assumed-role session, ``role_arn`` is the role's ARN
    (without its path, which the session ARN does not carry).
    """

    arn: str | None
    account: str | None
    kind: str
    name: str | None = None
    role_arn: str | None = None
    partition: str = "aws"

    @property
    def principal_type(self) -> str:
        """The aws:PrincipalType value [IAM:reference_policies_variables, "Principal key values"]."""
        return {
            "anonymous": "Anonymous",
            "root": "Account",
            "user": "User",
            "role": "AssumedRole",
            "assumed-role": "AssumedRole",
            "federated-user": "FederatedUser",
        }.get(self.kind, "Service" if self.kind == "service" else "Unknown")


def caller_of(principal_arn: str | None, principal_account: str | None) -> Caller:
    """Classify a caller ARN (None = anonymous)."""
    if principal_arn is None:
        return Caller(None, None, "anonymous")
    arn = Arn.parse(principal_arn)
    if arn is None:
        kind = "service" if principal_arn.endswith(".amazonaws.com") else "other"
        return Caller(principal_arn, principal_account, kind, name=principal_arn)
    account = arn.account or principal_account
    head, _, rest = arn.resource.partition("/")
    if arn.service == "iam" and arn.resource == "root":
        return Caller(principal_arn, account, "root", partition=arn.partition)
    if arn.service == "iam" and head in ("user", "role"):
        return Caller(principal_arn, account, head, name=rest.rsplit("/", 1)[-1], partition=arn.partition)
    if arn.service == "sts" and head == "assumed-role" and "/" in rest:
        role, session = rest.split("/", 1)
        role_arn = f"arn:{arn.partition}:iam::{account}:role/{role}"
        return Caller(
            principal_arn, account, "assumed-role", name=session, role_arn=role_arn, partition=arn.partition
        )
    if arn.service == "sts" and head == "federated-user":
        return Caller(principal_arn, account, "federated-user", name=rest, partition=arn.partition)
    return Caller(principal_arn, account, "other", partition=arn.partition)
