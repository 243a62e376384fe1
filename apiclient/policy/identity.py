"""``IdentityPolicy``: an identity policy with its origin, so traces and fixes can name it.

A caller's identity policies are its own (inline or managed) and those of the IAM groups it
belongs to; all of them are evaluated together ("Policy evaluation logic", IAM User Guide).
Naming each one ("group ReadOnly-Group policy 1") lets a trace say which one decided and a fix
say where the change belongs: a group's policy is shared by every member of the group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from apiclient.errors import PolicyError
from apiclient.policy.model import Policy
from apiclient.policy.parse import PolicyInput, parse_policy

__all__ = ["IdentityPolicy", "IdentityPolicyInput", "NamedPolicy", "named_policies"]


@dataclass(frozen=True, slots=True)
class IdentityPolicy:
    """An identity policy and where it is attached.

    Attributes:
        document: the policy (dict, JSON text or ``Policy``).
        label: how traces and fixes name it (``"group ReadOnly-Group policy 1"``).
        group: the IAM group it is attached to, when it comes from a group.
    """

    document: PolicyInput
    label: str
    group: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label.strip():
            raise PolicyError("an identity policy's label must be a non-empty string", "identity_policies")
        if self.group is not None and (not isinstance(self.group, str) or not self.group):
            raise PolicyError("a group name must be a non-empty string", "identity_policies")

    @classmethod
    def of_group(cls, group: str, document: PolicyInput, number: int = 1) -> IdentityPolicy:
        """The ``number``-th policy of IAM group ``group``, labelled ``group {group} policy {number}``."""
        return cls(document, f"group {group} policy {number}", group)


# A plain policy, an ``IdentityPolicy``, or a ``(label, policy)`` pair.
IdentityPolicyInput = PolicyInput | IdentityPolicy | tuple[str, PolicyInput]


@dataclass(frozen=True, slots=True)
class NamedPolicy:
    """A parsed identity policy named by its label (``policy.name``), and its group if any."""

    policy: Policy
    group: str | None = None


def named_policies(policies: Iterable[IdentityPolicyInput]) -> list[NamedPolicy]:
    """Parse identity policies given plain or labelled; plain ones are ``identity policy {n}``.

    Raises:
        PolicyError: a malformed policy, label or pair.
    """
    if isinstance(policies, (str, bytes, Mapping, Policy, IdentityPolicy)):
        raise PolicyError("must be a list of policies, not a single policy", "identity_policies")
    parsed = []
    for number, item in enumerate(policies, 1):
        if isinstance(item, tuple) and (len(item) != 2 or not isinstance(item[0], str)):
            raise PolicyError(
                "a labelled identity policy is a (label, policy) pair", f"identity_policies[{number - 1}]"
            )
        if isinstance(item, tuple):
            item = IdentityPolicy(item[1], item[0])  # noqa: PLW2901 - the pair, read as what it stands for
        if isinstance(item, IdentityPolicy):
            policy = parse_policy(item.document, name=item.label)
            if policy.name != item.label:  # an already parsed Policy keeps its own name otherwise
                policy = policy.renamed(item.label)
            parsed.append(NamedPolicy(policy, item.group))
        else:
            parsed.append(NamedPolicy(parse_policy(item, name=f"identity policy {number}")))
    return parsed
