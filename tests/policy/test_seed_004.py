"""Seed 004 as published: ProductAPI is an HTTP API served on its ``$default`` stage, and access is
granted through IAM groups: ReadOnly-Group may GET /products and below, Admin-Group may do anything.
john-readonly is in ReadOnly-Group, jane-admin in Admin-Group.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apiclient.endpoint import parse_url
from apiclient.policy import AccessRequest, Decision, IdentityPolicy, authorize

ACCOUNT = "123456789012"
API_ID = "abc123def4"
URL = f"https://{API_ID}.execute-api.us-east-1.amazonaws.com"
API = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{API_ID}"
JOHN = f"arn:aws:iam::{ACCOUNT}:user/john-readonly"
JANE = f"arn:aws:iam::{ACCOUNT}:user/jane-admin"

READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "execute-api:Invoke",
            "Resource": [f"{API}/*/GET/products", f"{API}/*/GET/products/*"],
        }
    ],
}
ADMIN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": f"{API}/*"}],
}
GROUPS = {"ReadOnly-Group": READ_ONLY, "Admin-Group": ADMIN}
MEMBERSHIP = {JOHN: "ReadOnly-Group", JANE: "Admin-Group"}


def call(user: str, method: str, path: str) -> AccessRequest:
    """The request as a new user would build it: from the URL, told the API serves ``$default``."""
    endpoint = parse_url(URL + path, stage="$default")
    request = AccessRequest(
        principal_arn=user, principal_account=ACCOUNT, api_owner_account=ACCOUNT, source_ip="203.0.113.10",
        method=method, stage=endpoint.stage or "", path=endpoint.path, api_id=endpoint.api_id or "",
        region=endpoint.region, current_time="2026-11-29T12:00:00Z", api_type=endpoint.api_type,
    )  # fmt: skip
    assert request.resource_arn == endpoint.request_arn(account=ACCOUNT, method=method)
    return request


def decide(user: str, method: str, path: str, groups: dict[str, Any] = GROUPS) -> Decision:
    group = MEMBERSHIP[user]
    return authorize(
        call(user, method, path),
        resource_policy=None,
        identity_policies=[IdentityPolicy.of_group(group, groups[group])],
    )


@pytest.mark.parametrize("path", ["/products", "/products/42"])
def test_john_may_read_products(path: str) -> None:
    decision = decide(JOHN, "GET", path)
    assert decision.result == "ALLOW"
    assert decision.resource == f"{API}/$default/GET{path}"
    assert [str(ref) for ref in decision.deciding] == ["group ReadOnly-Group policy 1 Statement[0]"]


def test_john_may_not_create_products_and_the_fix_names_the_group_policy() -> None:
    decision = decide(JOHN, "POST", "/products")
    assert decision.result == "IMPLICIT_DENY"
    assert decision.resource == f"{API}/$default/POST/products"
    text = decision.explain()
    assert "group ReadOnly-Group policy 1 Statement[0]:" in text  # the closest statement, named
    fix = decision.fixes[0]
    assert fix.description == (
        f"add {API}/$default/POST/products to the Resource of group ReadOnly-Group policy 1 Statement[0]"
    )
    assert fix.where == f"group ReadOnly-Group in account {ACCOUNT} (shared by every member)"
    assert all("resource policy" not in f.where for f in decision.fixes)  # HTTP APIs have none
    # The fix does what it says: with it applied to the group's policy, john may POST.
    assert fix.statement is not None
    patched = copy.deepcopy(GROUPS)
    patched["ReadOnly-Group"]["Statement"][0] = fix.statement
    assert decide(JOHN, "POST", "/products", patched).allowed


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/products"), ("POST", "/products"), ("DELETE", "/products/42")]
)
def test_jane_may_do_anything(method: str, path: str) -> None:
    decision = decide(JANE, method, path)
    assert decision.allowed
    assert [str(ref) for ref in decision.deciding] == ["group Admin-Group policy 1 Statement[0]"]


def test_a_resource_policy_written_for_product_api_is_reported_not_applicable() -> None:
    # A user following REST habits attaches an allow-all resource policy: on an HTTP API it
    # changes nothing, and the decision says so.
    allow_all = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}],
    }
    decision = authorize(
        call(JOHN, "POST", "/products"),
        resource_policy=allow_all,
        identity_policies=[IdentityPolicy.of_group("ReadOnly-Group", READ_ONLY)],
    )
    assert decision.result == "IMPLICIT_DENY"
    assert "HTTP APIs do not support resource policies" in decision.explain()
