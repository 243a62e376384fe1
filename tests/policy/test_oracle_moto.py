"""Differential test against an independent evaluator: moto's IAM policy engine (moto.iam.access_control).

moto implements only a subset (case-sensitive actions, `*` only, no segment rules), so the generated
documents stay inside the semantics both engines share: lower-case actions, `*` wildcards, and wildcards
only in the resource part of an ARN. Inside that subset the verdicts must agree.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from moto.iam.access_control import IAMPolicy, PermissionResult

from apiclient.policy import evaluate

PREFIX = "arn:aws:execute-api:us-east-1:111111111111:"
VERDICTS = {
    PermissionResult.PERMITTED: "ALLOW",
    PermissionResult.DENIED: "EXPLICIT_DENY",
    PermissionResult.NEUTRAL: "IMPLICIT_DENY",
}

services = st.sampled_from(["execute-api", "s3"])
action_patterns = st.builds(lambda s, n: f"{s}:{n}", services, st.text("inv*k", min_size=1, max_size=4))
actions = st.builds(lambda s, n: f"{s}:{n}", services, st.text("invk", min_size=1, max_size=4))
resource_patterns = st.just("*") | st.builds(lambda tail: PREFIX + tail, st.text("ab/*", max_size=6))
resources = st.builds(lambda tail: PREFIX + tail, st.text("ab/", max_size=6))


def one_or_list(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return strategy | st.lists(strategy, min_size=1, max_size=3)


statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Resource": one_or_list(resource_patterns),
    }
).flatmap(
    lambda s: st.sampled_from(["Action", "NotAction"]).flatmap(
        lambda key: one_or_list(action_patterns).map(lambda value: {**s, key: value})
    )
)


@settings(max_examples=200, deadline=None)
@given(body=st.lists(statements, min_size=1, max_size=4), action=actions, resource=resources)
def test_verdicts_agree_with_moto(body: list[dict[str, Any]], action: str, resource: str) -> None:
    doc = {"Version": "2012-10-17", "Statement": body}
    expected = VERDICTS[IAMPolicy(json.dumps(doc)).is_action_permitted(action, resource)]
    ours = evaluate(doc, action=action, resource=resource, principal_arn="arn:aws:iam::111111111111:user/u")
    assert ours.result == expected, ours.explain()
