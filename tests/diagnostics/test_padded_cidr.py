"""A resource policy with the published padded CIDR " 203.0.113.0/24", served by the local gateway:
the Client's diagnosis says how the value was read and what the other reading would give, and a fix
that needs two changes says so.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from diagnose_helpers import send_through, signature_of

from apiclient.diagnostics import DiagnoseOptions, diagnose
from apiclient.endpoint import parse_url
from apiclient.gateway import Gateway, running

SAMPLE = Path(__file__).parents[2] / "apiclient" / "gateway" / "samples" / "walkthrough.yaml"
OUTSIDE = "198.51.100.9"  # in no allowed range (and, here, not denied either)
ALLOW_LIST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "NamedPartner",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:user/alice"},
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
        },
        {
            "Sid": "AllowList",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            "Condition": {"IpAddress": {"aws:SourceIp": " 203.0.113.0/24"}},
        },
    ],
}


@pytest.fixture(scope="module")
def padded() -> Iterator[Gateway]:
    config: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    config = copy.deepcopy(config)
    config["apis"][0]["resource_policy"] = ALLOW_LIST
    with running(config, trust_forwarded_for=True) as gateway:
        yield gateway


def _policies(gateway: Gateway, name: str) -> list[dict[str, Any]]:
    user = next(user for user in gateway.config.users if user.name == name)
    return [dict(policy) for policy in user.policies]


def test_the_diagnosis_says_both_readings_of_the_padded_cidr(padded: Gateway) -> None:
    url = f"http://{padded.host_for()}/prod/products"
    tester = padded.credentials_for("team-a-tester")
    inside = send_through(padded, url, tester, headers={"X-Forwarded-For": "203.0.113.5"})
    assert inside.status_code == 200  # the gateway reads the value trimmed
    response = send_through(padded, url, tester, headers={"X-Forwarded-For": OUTSIDE})
    assert response.status_code == 403
    options = DiagnoseOptions(
        resource_policy=ALLOW_LIST,
        identity_policies=_policies(padded, "team-a-tester"),
        identity={"Arn": "arn:aws:iam::111111111111:user/team-a-tester", "Account": "111111111111"},
        source_ip=OUTSIDE,
        api_owner_account="222222222222",
    )
    diagnosis = diagnose(response, signature=signature_of(response), endpoint=parse_url(url), options=options)
    assert diagnosis.cause == "no_allow"
    [warning] = [line for line in diagnosis.evidence if line.startswith("undocumented AWS behaviour")]
    assert (
        "resource policy Statement[1] (Sid 'AllowList') IpAddress aws:SourceIp ' 203.0.113.0/24'" in warning
    )
    assert "(this evaluation): IMPLICIT_DENY" in warning and "never matches" in warning
    verdict = diagnosis.details["policy_verdict"]
    assert verdict["reading_warnings"][0]["result_if_alternative"] == "IMPLICIT_DENY"
    # The two resource-policy edits are alternatives, each fix trimmed.
    assert verdict["fixes_all_required"] is False
    assert [fix["group"] for fix in verdict["fixes"]] == [0, 0]
    ip_fix = next(fix for fix in verdict["fixes"] if "aws:SourceIp" in fix["description"])
    assert ip_fix["statement"]["Condition"]["IpAddress"]["aws:SourceIp"] == [
        "203.0.113.0/24",
        f"{OUTSIDE}/32",
    ]


def test_a_summary_names_a_fix_that_needs_two_changes(padded: Gateway) -> None:
    url = f"http://{padded.host_for()}/prod/products"
    intern = padded.credentials_for("team-a-intern")
    response = send_through(padded, url, intern, headers={"X-Forwarded-For": OUTSIDE})
    options = DiagnoseOptions(
        resource_policy=ALLOW_LIST,
        identity={"Arn": "arn:aws:iam::111111111111:user/team-a-intern", "Account": "111111111111"},
        source_ip=OUTSIDE,
        api_owner_account="222222222222",
    )
    diagnosis = diagnose(response, endpoint=parse_url(url), options=options)
    assert (
        "(fix: 2 changes are needed, the first: resource policy in account 222222222222" in diagnosis.summary
    )
    assert "Why: no identity policy was given for arn:aws:iam::111111111111:user/team-a-intern" in (
        diagnosis.to_text()
    )
