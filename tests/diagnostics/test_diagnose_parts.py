"""The parts of diagnose() that need no server: policy sources, scope and canonical comparison,
resource ARN differences, host kinds, and when a cause may be refined.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from apiclient import Credentials
from apiclient.diagnostics.arn_match import target_findings
from apiclient.diagnostics.findings import Findings
from apiclient.diagnostics.hostname import hostname_findings
from apiclient.diagnostics.identity import CallerIdentity, to_identity
from apiclient.diagnostics.model import Cause
from apiclient.diagnostics.policy_source import load_policy
from apiclient.diagnostics.refine import refine
from apiclient.diagnostics.signed import endpoint_scope, signature_findings
from apiclient.diagnostics.verdict import Target
from apiclient.endpoint import parse_url
from apiclient.errors import CredentialsError, PolicyError
from apiclient.sigv4 import Signature, sign

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}],
}
CREDENTIALS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "EXAMPLEsessiontoken")
URL = "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod/pets"


@pytest.mark.parametrize(
    "form",
    [
        "dict",
        "json",
        "escaped",  # GetRestApi's form: {\"Version\":...}
        "json string",  # the policy as one JSON string value
    ],
)
def test_policy_forms(form: str) -> None:
    text = json.dumps(POLICY)
    sources: dict[str, Mapping[str, Any] | str] = {
        "dict": POLICY,
        "json": text,
        "escaped": text.replace('"', '\\"'),
        "json string": json.dumps(text),
    }
    source = sources[form]
    assert load_policy(source) == POLICY


def test_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY), encoding="utf-8")
    assert load_policy(path) == POLICY
    assert load_policy(str(path)) == POLICY


def test_bad_policies_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"cannot read the policy file .*missing\.json"):
        load_policy(str(tmp_path / "missing.json"))
    with pytest.raises(PolicyError, match="not valid JSON") as bad:
        load_policy('{"Version": ')
    assert bad.value.path == "resource_policy"
    with pytest.raises(PolicyError, match="must be a JSON object"):
        load_policy("[1, 2]")


def test_a_policy_pasted_with_curly_quotes_gets_a_hint(tmp_path: Path) -> None:
    pasted = tmp_path / "pasted.json"
    pasted.write_text(
        "{\u201cVersion\u201d: \u201c2012-10-17\u201d, \u201cStatement\u201d: []}", encoding="utf-8"
    )
    with pytest.raises(PolicyError, match="typographic quotes \u201c \u201d, as pasted from a web page"):
        load_policy(pasted)
    with pytest.raises(PolicyError) as plain:
        load_policy('{"Version": ')
    assert "typographic" not in str(plain.value)


def signature(region: str = "us-west-2", service: str = "execute-api") -> Signature:
    return sign("GET", URL, {}, b"", credentials=CREDENTIALS, region=region, service=service)


def test_the_scope_is_judged_against_the_hosts_own_region() -> None:
    # A Client given region= overrides the Endpoint's region; API Gateway goes by the host.
    overridden = parse_url(URL, region="eu-west-1")
    assert endpoint_scope(overridden) == ("us-west-2", "execute-api")
    custom = parse_url("https://api.example.com/v1", region="eu-west-1")
    assert endpoint_scope(custom) == ("eu-west-1", "execute-api")
    found = Findings()
    signature_findings(signature("eu-west-1", "apigateway"), overridden, None, found)
    assert set(found.hints) == {"wrong_region", "wrong_service"}


def test_the_canonical_request_is_compared_with_api_gateways() -> None:
    signed = signature()
    same, other = Findings(), Findings()
    signature_findings(signed, None, signed.canonical_request, same)
    assert any("the secret key does not belong to the access key ID" in line for line in same.evidence)
    quoted = signed.canonical_request.replace("/prod/pets", "/prod/pets/", 1)
    signature_findings(signed, None, quoted, other)
    assert any("differ at line 2: we signed '/prod/pets'" in line for line in other.evidence)
    shown = json.dumps(same.details) + "\n".join(same.evidence)
    assert CREDENTIALS.secret_key not in shown and "EXAMPLEsessiontoken" not in shown


def test_resource_arn_differences_are_named() -> None:
    quoted = {"api_id": "a1b2c3d4e5", "region": "us-west-2", "stage": "test", "method": "GET"}
    found = Findings()
    meant = Target("us-west-2", "a1b2c3d4e5", "prod", "GET", "/pets/")
    target_findings(meant, quoted | {"path": "/pets"}, found)
    assert found.details["resource_arn_differences"] == ["stage 'test' where the request had 'prod'"]


def test_host_kinds() -> None:
    private = Findings()
    hostname_findings(
        parse_url("https://a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.us-west-2.vpce.amazonaws.com/prod"),
        False,
        private,
    )
    assert "private_api_vpce" in private.hints
    custom = Findings()
    hostname_findings(parse_url("https://api.example.com/v1", region="us-west-2"), False, custom)
    assert custom.hints == {}
    assert any("custom domain" in line for line in custom.evidence)


def test_a_given_identity_is_read_from_sts_shape_or_refused_clearly() -> None:
    given = to_identity(
        {"Arn": "arn:aws:iam::111111111111:user/u", "Account": "111111111111", "UserId": "AID"}
    )
    assert given == CallerIdentity("arn:aws:iam::111111111111:user/u", "111111111111", "AID")
    with pytest.raises(CredentialsError, match=r"'Account' text; got the keys \['arn'\]"):
        to_identity({"Arn": "arn:aws:iam::111111111111:user/u"})


def test_only_refusals_with_ambiguous_causes_are_refined() -> None:
    hints: dict[Cause, str] = {"wrong_region": "scope", "api_key": "key"}
    assert refine("signature_mismatch", 403, hints) == ("wrong_region", "scope")
    assert refine("forbidden_generic", 403, hints) == ("api_key", "key")
    assert refine("no_allow", 403, hints) == ("no_allow", None)
    assert refine("unknown", 500, hints) == ("unknown", None)
