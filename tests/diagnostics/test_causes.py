"""The cause table: one row per cause, and the policy Decision mapping built on it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import FrozenInstanceError
from typing import get_args

import pytest

from apiclient.diagnostics import CAUSE_TABLE, CAUSES, Cause, DiagnoseOptions, classify, decision_cause
from apiclient.diagnostics.causes import CauseInfo, Family
from apiclient.policy import AccessRequest, authorize

OWNER = "222222222222"
RESOURCE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
         "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:us-west-2:*:a1b2c3d4e5/prod/GET/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
         "Resource": "arn:aws:execute-api:us-west-2:*:a1b2c3d4e5/prod/DELETE/*"},
    ],
}  # fmt: skip


def test_every_cause_has_exactly_one_row() -> None:
    assert set(CAUSE_TABLE) == CAUSES == set(get_args(Cause))
    for cause, info in CAUSE_TABLE.items():
        assert isinstance(info, CauseInfo), cause
        assert info.family in get_args(Family), cause
        assert info.summary and "\n" not in info.summary, cause
        assert info.next_steps, cause
        assert set(info.refinements) <= CAUSES and cause not in info.refinements, cause


def test_retry_on_refusal() -> None:
    acting = {cause: info.on_refusal for cause, info in CAUSE_TABLE.items() if info.on_refusal}
    assert acting == {
        "token_invalid": "refresh_credentials",
        "token_expired": "refresh_credentials",
        "clock_skew": "correct_clock",
    }


def test_refusals_before_any_policy_is_read() -> None:
    before = {cause for cause, info in CAUSE_TABLE.items() if info.before_authorization}
    assert before == {
        "incomplete_signature",
        "signature_mismatch",
        "clock_skew",
        "token_invalid",
        "token_expired",
        "wrong_region",
        "wrong_service",
        "authorizer_unauthorized",
    }


def test_the_table_cannot_be_changed_by_a_caller() -> None:
    with pytest.raises(TypeError):
        CAUSE_TABLE["waf"] = CAUSE_TABLE["unknown"]  # type: ignore[index]


def _decide(principal: str | None, method: str) -> object:
    request = AccessRequest(
        principal_arn=principal,
        principal_account=principal.split(":")[4] if principal else None,
        api_owner_account=OWNER,
        source_ip="203.0.113.9",
        method=method,
        stage="prod",
        path="/pets",
        api_id="a1b2c3d4e5",
        region="us-west-2",
        current_time=dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc),
    )
    authorization = "NONE" if principal is None else "AWS_IAM"
    return authorize(request, resource_policy=RESOURCE_POLICY, authorization=authorization)


@pytest.mark.parametrize(
    ("principal", "method", "authorization", "expected"),
    [
        (f"arn:aws:iam::{OWNER}:user/reader", "GET", "AWS_IAM", None),
        (f"arn:aws:iam::{OWNER}:user/reader", "DELETE", "AWS_IAM", "explicit_deny"),
        ("arn:aws:iam::999900001111:user/mallory", "GET", "AWS_IAM", "no_allow"),
        (None, "DELETE", "NONE", "explicit_deny_resource_policy"),
        (None, "DELETE", "AWS_IAM", "missing_auth_or_route"),
        (None, "POST", "NONE", "no_allow"),
    ],
)
def test_decision_cause(principal: str | None, method: str, authorization: str, expected: str | None) -> None:
    decision = _decide(principal, method)
    cause = decision_cause(decision, anonymous=principal is None, authorization=authorization)  # type: ignore[arg-type]
    assert cause == expected
    if cause is not None and cause != "missing_auth_or_route":
        # The table's policy result for the cause is the decision's own.
        assert CAUSE_TABLE[cause].policy_result == decision.result  # type: ignore[attr-defined]


def test_classify_names_only_table_causes() -> None:
    assert classify(403, {}, b'{"message":"Forbidden"}').cause in CAUSE_TABLE


def test_options_are_frozen_and_keep_their_policies() -> None:
    policies = iter([{"Version": "2012-10-17", "Statement": []}])
    options = DiagnoseOptions(identity_policies=policies, api_owner_account=OWNER)
    with pytest.raises(FrozenInstanceError):
        options.api_owner_account = "111111111111"  # type: ignore[misc]
    # An iterator is read once, when the options are made, so every diagnosis sees the policies.
    assert list(options.identity_policies) == list(options.identity_policies) != []
    with pytest.raises(TypeError):
        DiagnoseOptions(None)  # type: ignore[misc]


def test_importing_diagnostics_loads_no_http_library_nor_the_policy_engine() -> None:
    code = (
        "import sys, apiclient.diagnostics\n"
        "heavy = ('requests', 'httpx', 'apiclient.policy', 'apiclient.session', 'apiclient.cli', 'boto3')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
