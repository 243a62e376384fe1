"""Configuration: YAML and JSON load to the same scenario; every mistake names its field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from apiclient.errors import ConfigError
from apiclient.gateway import load_config, running, sample_config

SAMPLE = Path(__file__).resolve().parents[2] / "apiclient" / "gateway" / "samples" / "walkthrough.yaml"


@pytest.fixture
def document() -> dict[str, Any]:
    return dict(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))


def test_sample_is_the_walkthrough() -> None:
    config = sample_config()
    api = config.apis[0]
    assert (api.id, api.account, api.region) == ("a1b2c3d4e5", "222222222222", "us-west-2")
    assert {(r.method, r.path) for r in api.routes} >= {
        ("GET", "/products"),
        ("POST", "/products"),
        ("GET", "/products/{id}"),
    }
    assert {u.account for u in config.users} >= {"111111111111", "222222222222"}
    assert all("EXAMPLE" in k.access_key_id for u in config.users for k in u.access_keys)


def test_yaml_and_json_files_agree(tmp_path: Path, document: dict[str, Any]) -> None:
    as_json = tmp_path / "gateway.json"
    as_json.write_text(json.dumps(document), encoding="utf-8")
    assert load_config(as_json) == load_config(SAMPLE) == load_config(document)


def test_secrets_stay_out_of_reprs() -> None:
    config = sample_config()
    text = repr(config)
    assert all(k.secret_access_key not in text for u in config.users for k in u.access_keys)
    assert "EXAMPLE-oidc-token-for-ci" not in text
    assert "EXAMPLEapikey" not in text


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    target: Any = document
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is _DELETE:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        ("accounts.0.id", "12345", "accounts[0].id", "not valid"),
        ("users.0.account", "999999999999", "users[0].account", "not listed under accounts"),
        ("users.0.access_keys.0.secret", _DELETE, "users[0].access_keys[0].secret", "required"),
        ("users.1.name", "team-a-tester", "users[1]", "duplicate"),
        ("users.0.policies.0", {"Version": "2012-10-17"}, "users[0].policies[0]", "Statement"),
        ("users.0.colour", "blue", "users[0].colour", "unknown field"),
        ("roles.0.max_session_duration", 60, "roles[0].max_session_duration", "3600 to 43200"),
        ("roles.0.trust_policy", _DELETE, "roles[0].trust_policy", "required"),
        ("apis.0.endpoint_type", "EDGE", "apis[0].endpoint_type", "REGIONAL"),
        ("apis.0.stages", [], "apis[0].stages", "at least one stage"),
        ("apis.0.resource_policy", "{not json", "apis[0].resource_policy", "not valid JSON"),
        ("apis.0.routes.1.authorization", "COGNITO", "apis[0].routes[1].authorization", "AWS_IAM, NONE"),
        ("apis.0.routes.1.path", "products", "apis[0].routes[1].path", "start with '/'"),
        ("apis.0.routes.1.method", "FETCH", "apis[0].routes[1].method", "not one of"),
        ("apis.0.routes.1.response", {"status": 99}, "apis[0].routes[1].response.status", "100 to 599"),
        ("apis.0.routes.1.api_key_required", "yes", "apis[0].routes[1].api_key_required", "true or false"),
        ("instance_role", "ghost", "instance_role", "no role named"),
        ("apis", [], "apis", "at least one API"),
        (
            "apis.0.resource_policy.Statement.2.Effect",
            "Maybe",
            "apis[0].resource_policy.Statement[2].Effect",
            "Deny",
        ),
    ],
)
def test_errors_name_the_field(
    document: dict[str, Any], path: str, value: Any, field: str, words: str
) -> None:
    broken = copy.deepcopy(document)
    _set(broken, path, value)
    with pytest.raises(ConfigError) as caught:
        load_config(broken)
    assert caught.value.path == field
    assert words in caught.value.problem


def test_unreadable_and_unparsable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("apis: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")
    with pytest.raises(ConfigError, match="mapping at the top level"):
        load_config(listed)


def test_running_rejects_a_bad_lifetime() -> None:
    with pytest.raises(ConfigError) as caught, running(sample_config(), credential_lifetime=0):
        pass
    assert caught.value.path == "credential_lifetime"
