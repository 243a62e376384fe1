"""Fuzzed URLs, policies, error bodies and CLI arguments meet only documented exceptions.

Bad input gets an error from the apiclient.errors tree (or click's usage error, exit
2), never a traceback. Each property is checked on at most 100 generated examples.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from reliability_support import Exposure, run_cli

from apiclient.cli import ExitCode
from apiclient.credentials.base import Credentials
from apiclient.diagnostics import CAUSES, classify
from apiclient.endpoint import parse_url
from apiclient.errors import EndpointError, PolicyError
from apiclient.gateway import Gateway, GatewayConfig, running
from apiclient.policy import AccessRequest, authorize, parse_policy
from apiclient.session import Client

pytestmark = pytest.mark.reliability

# Function-scoped fixtures (the secret ledger, caplog) deliberately span every example of a test.
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DOCUMENTED_EXITS = {int(code) for code in ExitCode}
CREDENTIALS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "EXAMPLEtoken/session==")

# Pieces that make generated text look like the real thing often enough to reach deep code paths.
_URL_PIECES = st.sampled_from(
    [
        "https://", "http://", "ftp://", "://", "a1b2c3d4e5", ".execute-api.", "us-east-1", "us-gov-west-1",
        "cn-north-1", ".amazonaws.com", ".amazonaws.com.cn", "vpce-0123-abcd", "127.0.0.1", "[::1]", ":443",
        ":99999", "/prod", "/", "%2F", "%", "%zz", "?", "a=b", "&", "#", "@", " ", "..", "\x00", "é",
    ]
)  # fmt: skip
URLS = st.one_of(st.text(max_size=60), st.lists(_URL_PIECES, max_size=12).map("".join))

_POLICY_KEYS = st.sampled_from(
    ["Version", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
     "NotResource", "Condition", "AWS", "Service", "Federated", "StringEquals", "IpAddress", "aws:SourceIp",
     "DateLessThan", "aws:CurrentTime", "ForAnyValue:StringLike", "Bool", "Null", "ArnLike"]
)  # fmt: skip
_POLICY_VALUES = st.sampled_from(
    ["2012-10-17", "2008-10-17", "Allow", "Deny", "*", "execute-api:Invoke", "execute-api:*",
     "execute-api:/*", "execute-api:/prod/GET/products",
     "arn:aws:execute-api:us-west-2:222222222222:a1b2c3d4e5/*/GET/*",
     "arn:aws:iam::111111111111:root", "111111111111", "10.0.0.0/8", "2001:db8::/32", "not-an-ip",
     "2030-01-01T00:00:00Z", "true", "yes", ""]
)  # fmt: skip
_JSON_LEAVES = st.one_of(_POLICY_VALUES, st.text(max_size=8), st.integers(), st.booleans(), st.none())
JSON_VALUES = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(_POLICY_KEYS, st.text(max_size=5)), inner, max_size=4),
    ),
    max_leaves=20,
)
_STATEMENTS = st.dictionaries(_POLICY_KEYS, JSON_VALUES, max_size=6)
POLICIES = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries(
        {"Version": _POLICY_VALUES, "Statement": st.one_of(_STATEMENTS, st.lists(_STATEMENTS, max_size=3))}
    ),
    st.text(max_size=40),
)

REQUEST = AccessRequest(
    "arn:aws:iam::111111111111:user/tester",
    "111111111111",
    "222222222222",
    "10.1.2.3",
    "GET",
    "prod",
    "/products",
    "a1b2c3d4e5",
    "us-west-2",
    "2026-01-01T00:00:00Z",
)

_MESSAGES = st.sampled_from(
    ["Missing Authentication Token", "The security token included in the request is invalid",
     "The security token included in the request is expired", "Signature expired: 20260101T000000Z is now "
     "earlier than 20260101T000500Z (20260101T001000Z - 5 min.)", "Credential should be scoped to a valid "
     "region, not 'us-east-1'. ", "User: arn:aws:iam::1:user/x is not authorized to perform: "
     "execute-api:Invoke on resource: arn:aws:execute-api:us-west-2:1:a/prod/GET/x with an explicit deny",
     "Unauthorized", "Forbidden", "User is not authorized to access this resource", ""]
)  # fmt: skip
BODIES = st.one_of(
    st.none(),
    st.binary(max_size=200),
    st.text(max_size=200),
    st.builds(lambda m, extra: json.dumps({"message": m + extra}), _MESSAGES, st.text(max_size=20)),
    st.builds(lambda m: json.dumps({"Message": m}).encode(), _MESSAGES),
)
HEADERS = st.dictionaries(
    st.sampled_from(["x-amzn-ErrorType", "x-amzn-RequestId", "Date", "Content-Type", "WWW-Authenticate",
                     "x"]),
    st.one_of(st.sampled_from(["AccessDeniedException", "UnauthorizedException",
                               "IncompleteSignatureException", "MissingAuthenticationTokenException",
                               "Sun, 22 Nov 2026 12:00:00 GMT"]),
              st.text(max_size=30)),
    max_size=4,
)  # fmt: skip


@given(url=URLS, region=st.sampled_from([None, "us-east-1", "eu-west-3", "nowhere-1", ""]))
@settings(FUZZ)
def test_urls_parse_or_raise_endpoint_error(url: str, region: str | None, exposure: Exposure) -> None:
    exposure.know(CREDENTIALS)
    try:
        endpoint = parse_url(url, region=region)
    except EndpointError as error:
        assert str(error), "an error should name the problem"
        exposure.shown_error("parse_url", error)
    else:
        assert endpoint.region
    try:
        Client(url, credentials=CREDENTIALS, region=region).close()
    except EndpointError as error:
        assert str(error), "an error should name the problem"
        exposure.shown_error("Client()", error)


@given(policy=POLICIES)
@settings(FUZZ)
def test_policies_parse_and_authorize_or_raise_policy_error(policy: Any, exposure: Exposure) -> None:
    try:
        parse_policy(policy)
    except PolicyError as error:
        assert str(error), "an error should name the problem"
        exposure.shown_error("parse_policy", error)
    try:
        decision = authorize(REQUEST, resource_policy=policy, identity_policies=[policy])
    except PolicyError as error:
        assert str(error), "an error should name the problem"
        exposure.shown_error("authorize", error)
    else:
        assert decision.result in ("ALLOW", "EXPLICIT_DENY", "IMPLICIT_DENY")
        assert decision.explain()
        json.dumps(decision.to_dict())


@given(status=st.integers(min_value=100, max_value=599), headers=HEADERS, body=BODIES)
@settings(FUZZ)
def test_error_bodies_are_always_classified(
    status: int, headers: dict[str, str], body: bytes | str | None
) -> None:
    diagnosis = classify(status, headers, body)
    assert diagnosis.cause in CAUSES


@pytest.fixture(scope="module")
def gateway(config: GatewayConfig) -> Iterator[Gateway]:
    with running(config) as gw:
        yield gw


@pytest.fixture(scope="module")
def resource_policy(tmp_path_factory: pytest.TempPathFactory, config: GatewayConfig) -> Path:
    path = tmp_path_factory.mktemp("policies") / "resource.json"
    path.write_text(json.dumps(config.apis[0].resource_policy))
    return path


# ASCII only: a header http.client cannot encode is a known bug, pinned by the last test of this file.
_ASCII = st.text(st.characters(max_codepoint=127), max_size=15)
_ITEMS = st.sampled_from(["a==b", "X-Y:z", "n=1", "n:=[1]", "n:={"])


def _either(*examples: str) -> st.SearchStrategy[str]:
    """Mostly realistic values (so examples get past parsing), sometimes any text."""
    realistic = st.sampled_from(examples)
    return st.one_of(realistic, realistic, realistic, st.text(max_size=12))


_ARN_PARTS = st.builds(
    "arn:aws:execute-api:{}:{}:a1b2c3d4e5/{}/{}/{}".format,
    st.sampled_from(["us-west-2", "us-west-2", "us-east-1", "*"]),
    st.sampled_from(["222222222222", "222222222222", "111111111111", "x"]),
    st.sampled_from(["prod", "prod", "*", ""]),
    st.sampled_from(["GET", "POST", "*", "get", ""]),
    _either("products", "status", "products/1", ""),
)
_ARNS = st.one_of(_ARN_PARTS, _ARN_PARTS, URLS)


_EXPLAIN_OPTIONS = {
    "--method": _either("GET", "POST", "*", "get"),
    "--principal": _either("arn:aws:iam::111111111111:user/team-a-tester", "arn:aws:iam::222222222222:root",
                           "arn:aws:sts::333333333333:assumed-role/r/s", "111111111111", "*"),
    "--source-ip": _either("10.0.0.1", "198.51.100.7", "::1", "300.1.1.1"),
    "--context": _either("aws:PrincipalOrgID=o-exampleorg1", "aws:SourceVpce=vpce-1", "k=v", "novalue"),
    "--time": _either("2026-01-01T00:00:00Z", "2026-01-01", "yesterday"),
    "--api-owner-account": _either("222222222222", "1"),
    "--authorization": _either("none", "aws_iam", "custom", "cognito_user_pools"),
    "--endpoint-type": _either("REGIONAL", "PRIVATE", "EDGE"),
    "--output": _either("json", "text"),
}  # fmt: skip
_EXPLAIN_ARGS = st.one_of(
    *(st.tuples(st.just(name), values) for name, values in _EXPLAIN_OPTIONS.items()),
    st.tuples(st.just("--who-can"), _either("GET", "POST", "*"), _either("/products", "/", "products")),
    st.tuples(st.text(max_size=8)),
)


@given(target=_ARNS, options=st.lists(_EXPLAIN_ARGS, max_size=4))
@settings(FUZZ)
def test_explain_with_fuzzed_arguments_exits_with_a_documented_code(
    target: str,
    options: list[tuple[str, ...]],
    resource_policy: Path,
    exposure: Exposure,
    isolated_env: dict[str, str | None],
) -> None:
    args = ["explain", target, "--resource-policy", str(resource_policy)]
    args += [arg for option in options for arg in option]
    result = run_cli(exposure, isolated_env, *args)
    event(f"exit {result.exit_code}")  # --hypothesis-show-statistics: how deep the examples reached
    assert result.exit_code in DOCUMENTED_EXITS, result.output
    assert "Traceback" not in result.output + result.stderr


@given(
    method=_either("GET", "POST", "DELETE", "get", "PATCH"),
    path=st.text(max_size=20),
    items=st.lists(st.one_of(_ITEMS, _ASCII), max_size=3),
    flags=st.lists(st.sampled_from(["-i", "-v", "--fail", "-H", "-d", "--api-key", "--service"]), max_size=3),
)  # fmt: skip
@settings(FUZZ)
def test_invoke_with_fuzzed_arguments_exits_with_a_documented_code(
    method: str,
    path: str,
    items: list[str],
    flags: list[str],
    gateway: Gateway,
    exposure: Exposure,
    isolated_env: dict[str, str | None],
) -> None:
    reader = gateway.credentials_for("reader")
    environment = {
        **isolated_env,
        "AWS_ACCESS_KEY_ID": reader.access_key,
        "AWS_SECRET_ACCESS_KEY": reader.secret_key,
    }
    # The URL's origin is fixed to the local gateway: fuzzing stays on 127.0.0.1.
    url = f"{gateway.api_url()}/{path.lstrip('/')}"
    flag_args = [
        arg for flag in flags for arg in ((flag,) if flag in ("-i", "-v", "--fail") else (flag, "x"))
    ]
    args = ["invoke", method, url, *items, *flag_args, "--region", "us-west-2"]
    result = run_cli(exposure, environment, *args)
    event(f"exit {result.exit_code}")
    assert result.exit_code in DOCUMENTED_EXITS, result.output
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("item", ["\x80:", "é:x", "X-Name:€"])
def test_invoke_refuses_a_header_http_cannot_send(
    item: str, gateway: Gateway, exposure: Exposure, isolated_env: dict[str, str | None]
) -> None:
    reader = gateway.credentials_for("reader")
    environment = {
        **isolated_env,
        "AWS_ACCESS_KEY_ID": reader.access_key,
        "AWS_SECRET_ACCESS_KEY": reader.secret_key,
    }
    url = gateway.api_url() + "/products"
    result = run_cli(exposure, environment, "invoke", "GET", url, item, "--region", "us-west-2")
    assert result.exit_code == ExitCode.USAGE
