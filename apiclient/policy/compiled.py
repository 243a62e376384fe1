"""A policy's statements indexed by action, resource and principal, so a request meets only those
that could apply to it.

The index only rules statements out, on conditions every match needs: the Action element must match
the action (worked out once per action and remembered); some Resource pattern must match the
resource; and some Principal entry must name the caller. A Resource pattern is filed under the
literal text its resource part (after the ARN's fifth colon, matched case-sensitively) must start
and end with; a request looks up the beginnings and endings of its own resource part, one dictionary
look-up per distinct length. A Principal entry is filed under the caller ARN, account and role (in
lower case, so a name that differs only in case stays a candidate) that it can name. The statements
left are then matched in full, element by element, so the verdict is the one a scan of every
statement gives (IAM User Guide, "IAM JSON policy elements: Resource" for the ARN segments and the
resource part's case, "IAM JSON policy elements: Principal" for role sessions; API Gateway Developer
Guide, "API Gateway resource policy examples" for the ``execute-api:/`` shorthand, which is the API's
own ARN followed by the rest of the pattern).
"""

from __future__ import annotations

from functools import lru_cache

from apiclient.policy.arns import Caller
from apiclient.policy.matching import account_of, role_of
from apiclient.policy.model import Policy, Statement
from apiclient.policy.parse import SHORTHAND_PREFIX

__all__ = ["CompiledPolicy", "caller_keys", "compiled"]

# The resource part is what follows the fifth colon of an ARN (arn:partition:service:region:account:).
_ARN_FIELDS = 6
_WILDCARDS = frozenset("*?")
# Distinct actions remembered per policy; evaluate() may be asked about any action name.
_ACTIONS_KEPT = 64


def _anchors(text: str) -> tuple[str, str] | None:
    """(literal start, literal end) of a pattern's resource part: the runs before the first and after
    the last wildcard (the whole text and "" when it has none); None when neither constrains anything."""
    first = next((n for n, ch in enumerate(text) if ch in _WILDCARDS), None)
    if first is None:
        return text, ""
    last = max(text.rfind("*"), text.rfind("?"))
    head, tail = text[:first], text[last + 1 :]
    return (head, tail) if head or tail else None


# By length and text of the start, then by length and text of the end: statement positions.
_Table = dict[int, dict[str, dict[int, dict[str, list[int]]]]]


class _Anchors:
    """Statement positions filed by the literal start and end their pattern's resource part needs."""

    __slots__ = ("table",)

    def __init__(self) -> None:
        self.table: _Table = {}

    def add(self, head: str, tail: str, position: int) -> None:
        ends = self.table.setdefault(len(head), {}).setdefault(head, {})
        ends.setdefault(len(tail), {}).setdefault(tail, []).append(position)

    def collect(self, text: str, into: set[int]) -> None:
        """Add the positions whose pattern needs a start and an end that ``text`` has."""
        size = len(text)
        for length, heads in self.table.items():
            if length <= size:
                ends = heads.get(text[:length])
                if ends is not None:
                    for tail_length, tails in ends.items():
                        if tail_length <= size:
                            found = tails.get(text[size - tail_length :])
                            if found is not None:
                                into.update(found)


# What a Principal entry or a caller is filed under: ("arn", ARN), ("account", ID) or ("role", ID, name).
_Key = tuple[str, ...]


def _entry_keys(kind: str, value: str) -> list[_Key] | None:
    """The keys of the callers a Principal entry can name, or None when it may name anyone."""
    if value == "*" or kind == "Federated":  # a federated caller may also be named by the request context
        return None
    lower = value.lower()
    keys: list[_Key] = [("arn", lower)]
    account = account_of(value) if kind == "AWS" else None
    if account is not None:
        keys.append(("account", account))
    role = role_of(lower) if kind == "AWS" else None
    if role is not None:
        # A role names its sessions, whatever their name [IAM:reference_policies_elements_principal].
        keys.append(("role", role[0], role[1]))
    return keys


@lru_cache(maxsize=1024)
def caller_keys(caller: Caller) -> tuple[_Key, ...]:
    """The keys a caller is found under (``_entry_keys``): its ARN, its account, its session's role."""
    keys: list[_Key] = []
    if caller.arn is not None:
        keys.append(("arn", caller.arn.lower()))
    if caller.kind != "anonymous" and caller.account is not None:
        keys.append(("account", caller.account))
        if caller.kind == "assumed-role" and caller.role_arn is not None:
            keys.append(("role", caller.account.lower(), caller.role_arn.rsplit("/", 1)[-1].lower()))
    return tuple(keys)


class CompiledPolicy:
    """The statements of one policy and the index that finds a request's candidates among them."""

    __slots__ = (
        "_actions",
        "_always",
        "_arns",
        "_named",
        "_shorthand_positions",
        "_shorthands",
        "_unnamed",
        "statements",
    )

    def __init__(self, policy: Policy) -> None:
        self.statements = policy.statements
        self._actions: dict[str, tuple[bool, ...]] = {}
        always: list[int] = []
        shorthand_positions: list[int] = []
        self._arns = _Anchors()
        self._shorthands = _Anchors()
        for position, statement in enumerate(self.statements):
            # No Resource element (NotResource, or none at all) leaves nothing to rule the statement out.
            filed = statement.resources is not None and all(
                self._file(pattern.text, pattern.kind, position) for pattern in statement.resources
            )
            if not filed:
                always.append(position)
            elif any(pattern.kind == "shorthand" for pattern in statement.resources or ()):
                shorthand_positions.append(position)
        self._always = tuple(always)
        self._shorthand_positions = tuple(shorthand_positions)
        # By principal: statements that may apply to anyone (no Principal, NotPrincipal, "*"), and the rest.
        unnamed: list[int] = []
        self._named: dict[_Key, list[int]] = {}
        for position, statement in enumerate(self.statements):
            entries = [_entry_keys(kind, value) for kind, value in statement.principal or ()]
            if statement.principal is None or any(keys is None for keys in entries):
                unnamed.append(position)
                continue
            for keys in entries:
                for key in keys or ():
                    self._named.setdefault(key, []).append(position)
        self._unnamed = tuple(unnamed)

    def _file(self, text: str, kind: str, position: int) -> bool:
        """File one Resource pattern under its anchor; False when it has none (it may match anything)."""
        if kind == "shorthand":
            anchors = _anchors(text[len(SHORTHAND_PREFIX) - 1 :])
            if anchors is None:
                return False
            self._shorthands.add(*anchors, position)
            return True
        if kind != "arn":
            return False  # a policy variable: its text is only known per request
        fields = text.split(":", _ARN_FIELDS - 1)
        # `*` alone, or an ARN cut short (its last segment covers the rest, colons included).
        anchors = _anchors(fields[-1]) if len(fields) == _ARN_FIELDS else None
        if anchors is None:
            return False
        self._arns.add(*anchors, position)
        return True

    def _action_mask(self, action: str) -> tuple[bool, ...]:
        mask = self._actions.get(action)
        if mask is None:
            mask = tuple(_action_matches(statement, action) for statement in self.statements)
            if len(self._actions) >= _ACTIONS_KEPT:
                self._actions.clear()
            self._actions[action] = mask
        return mask

    def candidates(
        self, action: str, resource: str, shorthand_base: str | None, caller: Caller | None = None
    ) -> list[Statement]:
        """The statements whose Action, Resource and (given a ``caller``) Principal elements may match,
        in document order; without a caller (an identity policy) Principal rules nothing out."""
        mask = self._action_mask(action)
        found = set(self._always)
        fields = resource.split(":", _ARN_FIELDS - 1)
        if len(fields) == _ARN_FIELDS:
            part = fields[-1]
            self._arns.collect(part, found)
            if shorthand_base is not None and self._shorthand_positions:
                # A shorthand's resource part is the API's (from shorthand_base), then the pattern's rest.
                base = shorthand_base.split(":", _ARN_FIELDS - 1)
                if len(base) != _ARN_FIELDS:
                    found.update(self._shorthand_positions)
                elif part.startswith(base[-1]):
                    self._shorthands.collect(part[len(base[-1]) :], found)
        if caller is not None and found:
            named = set(self._unnamed)
            for key in caller_keys(caller):
                named.update(self._named.get(key, ()))
            found &= named
        statements = self.statements
        return [statements[position] for position in sorted(found) if mask[position]]


def _action_matches(statement: Statement, action: str) -> bool:
    if statement.actions is not None:
        return any(pattern.regex.fullmatch(action) for pattern in statement.actions)
    if statement.not_actions is not None:
        return not any(pattern.regex.fullmatch(action) for pattern in statement.not_actions)
    return True


def compiled(policy: Policy) -> CompiledPolicy:
    """The policy's index, built on first use and kept with the (immutable) policy."""
    index = policy.statement_index
    if not isinstance(index, CompiledPolicy):
        index = CompiledPolicy(policy)
        # Two threads may both build it; either result is the same index.
        object.__setattr__(policy, "statement_index", index)
    return index
