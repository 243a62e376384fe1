"""HTTP APIs on the gateway: the $default stage at the host's root, named stages, HTTP API answers,
no resource policy, and IAM groups deciding (over real sockets)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flavour_helpers import DEFAULT_ARN, HTTP_API, OWNER, REGION, flavours_config, key_of
from gateway_helpers import Key, signed

from apiclient.errors import ConfigError
from apiclient.gateway import Gateway, load_config, running
from apiclient.gateway.authz import Call, authorize_call
from apiclient.gateway.identities import IdentityStore

CONFIG = flavours_config()


@pytest.fixture(scope="module")
def gw() -> Iterator[Gateway]:
    with running(CONFIG) as gateway:
        yield gateway


def call(
    http: requests.Session, gw: Gateway, method: str, path: str, key: Key | None, body: bytes = b""
) -> requests.Response:
    """``method path`` on the HTTP API, signed for its real host and sent to the gateway on loopback."""
    host = gw.host_for(HTTP_API)
    headers = {"Host": host}
    if key is not None:
        request = signed(method, f"http://{host}{path}", key, body=body, region=REGION)
        headers.update(dict(request.prepare().headers))
    return http.request(method, gw.url + path, headers=headers, data=body, timeout=10)


def assert_http_api_shape(response: requests.Response) -> None:
    assert response.headers.get("apigw-requestid")
    assert "x-amzn-ErrorType" not in response.headers
    assert "x-amz-apigw-id" not in response.headers
    assert "x-amzn-RequestId" not in response.headers


def test_default_stage_is_served_at_the_root(gw: Gateway, http: requests.Session) -> None:
    response = call(http, gw, "GET", "/products", key_of(CONFIG, "john-readonly"))
    assert response.status_code == 200, response.text
    assert_http_api_shape(response)
    assert response.json()["request"]["stage"] == "$default"
    assert response.json()["caller"]["arn"] == f"arn:aws:iam::{OWNER}:user/john-readonly"
    assert gw.access_log[-1]["stage"] == "$default"


def test_a_group_policy_refuses_as_an_http_api_does(gw: Gateway, http: requests.Session) -> None:
    response = call(http, gw, "POST", "/products", key_of(CONFIG, "john-readonly"), b"{}")
    assert response.status_code == 403
    assert response.content == b'{"message":"Forbidden"}'
    assert_http_api_shape(response)


def test_a_member_of_the_admin_group_may_post(gw: Gateway, http: requests.Session) -> None:
    response = call(http, gw, "POST", "/products", key_of(CONFIG, "jane-admin"), b'{"name":"x"}')
    assert response.status_code == 201
    assert response.json() == {"id": "p-1"}
    assert_http_api_shape(response)


def test_without_a_group_nothing_is_allowed(gw: Gateway, http: requests.Session) -> None:
    assert call(http, gw, "GET", "/products", key_of(CONFIG, "nobody")).status_code == 403


def test_an_unsigned_call_is_forbidden_not_missing_a_token(gw: Gateway, http: requests.Session) -> None:
    response = call(http, gw, "GET", "/products", None)
    assert response.status_code == 403
    assert response.content == b'{"message":"Forbidden"}'
    assert_http_api_shape(response)


@pytest.mark.parametrize("path", ["/nowhere", "/beta/nowhere", "/products/1/2"])
def test_no_route_is_not_found(gw: Gateway, http: requests.Session, path: str) -> None:
    response = call(http, gw, "GET", path, key_of(CONFIG, "jane-admin"))
    assert response.status_code == 404
    assert response.content == b'{"message":"Not Found"}'
    assert_http_api_shape(response)


def test_a_named_stage_is_the_first_segment_and_its_own_arn(gw: Gateway, http: requests.Session) -> None:
    # ReadOnly-Group grants .../$default/GET/products only: the beta stage's ARN is another resource.
    assert call(http, gw, "GET", "/beta/products", key_of(CONFIG, "john-readonly")).status_code == 403
    response = call(http, gw, "GET", "/beta/products", key_of(CONFIG, "jane-admin"))
    assert response.status_code == 200
    assert response.json()["request"]["stage"] == "beta"
    assert response.json()["request"]["path"] == "/products"


def test_a_bad_signature_keeps_its_text_without_the_rest_error_type(
    gw: Gateway, http: requests.Session
) -> None:
    wrong = Key(key_of(CONFIG, "john-readonly").access_key, "not-the-secret")
    response = call(http, gw, "GET", "/products", wrong)
    assert response.status_code == 403
    assert response.json()["message"].startswith("The request signature we calculated does not match")
    assert_http_api_shape(response)


def test_the_api_url_of_the_default_stage_has_no_stage_segment() -> None:
    single = copy.deepcopy(CONFIG)
    single["apis"] = single["apis"][:1]
    with running(single) as gateway:
        assert gateway.api_url() == gateway.url
        assert gateway.api_url(stage="beta") == gateway.url + "/beta"


def test_group_policies_are_named_in_the_gateway_decision() -> None:
    config = load_config(CONFIG)
    api = config.apis[0]
    john = next(u for u in config.users if u.name == "john-readonly")
    principal = IdentityStore(config).lookup(john.access_keys[0].access_key_id)
    assert principal is not None
    decision = authorize_call(
        Call(api, "$default", "POST", "/products"),
        principal.principal,
        group_policies=config.group_policies(john.arn),
        source_ip="127.0.0.1",
        now=dt.datetime.now(dt.timezone.utc),
        secure=True,
        request_keys={},
    )
    assert decision.result == "IMPLICIT_DENY"
    text = decision.explain()
    assert f"{DEFAULT_ARN}/POST/products" in text
    assert "group ReadOnly-Group policy 1 Statement[0]" in text  # "ReadProducts" is its Sid


def _edited(edit: Any) -> dict[str, Any]:
    config = copy.deepcopy(CONFIG)
    edit(config)
    return config


def test_a_resource_policy_on_an_http_api_is_refused_with_the_reason() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    }
    with pytest.raises(ConfigError, match="HTTP APIs do not support resource policies") as error:
        load_config(_edited(lambda c: c["apis"][0].update(resource_policy=policy)))
    assert error.value.path == "apis[0].resource_policy"


def test_default_stage_is_for_http_apis_only() -> None:
    def rest(config: dict[str, Any]) -> None:
        config["apis"][0]["type"] = "REST"

    with pytest.raises(ConfigError, match=r"\$default is an HTTP API's stage") as error:
        load_config(_edited(rest))
    assert error.value.path == "apis[0].stages[0]"


def test_a_user_in_an_unknown_group_is_named() -> None:
    with pytest.raises(ConfigError, match="'Readonly-Group'") as error:
        load_config(_edited(lambda c: c["users"][0].update(groups=["Readonly-Group"])))
    assert error.value.path == "users[0].groups[0]"
    assert "ReadOnly-Group" in str(error.value)  # the groups that do exist


def test_http_apis_have_no_api_keys() -> None:
    with pytest.raises(ConfigError, match="HTTP APIs do not support API keys"):
        load_config(_edited(lambda c: c["apis"][0].update(api_keys=["k" * 20])))


def test_the_config_reads_as_json_too(tmp_path: Any) -> None:
    path = tmp_path / "flavours.json"
    path.write_text(json.dumps(CONFIG))
    config = load_config(path)
    assert [a.type for a in config.apis] == ["HTTP", "WEBSOCKET"]
    assert config.users[0].groups == ("ReadOnly-Group",)


def test_the_gateway_logs_which_group_policy_decided(
    gw: Gateway, http: requests.Session, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="apiclient.gateway"):
        assert call(http, gw, "POST", "/products", key_of(CONFIG, "john-readonly"), b"{}").status_code == 403
    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused POST /products")]
    assert refusals, "the refusal was not explained in the gateway's log"
    assert f"on {DEFAULT_ARN}/POST/products" in refusals[-1]
    assert "group ReadOnly-Group policy 1 Statement[0] (Sid 'ReadProducts')" in refusals[-1]
