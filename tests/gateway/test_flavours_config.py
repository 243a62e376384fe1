"""Gateway configuration of the API flavours: what each type accepts and refuses, with the field named."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from flavour_helpers import flavours_config

from apiclient.errors import ConfigError
from apiclient.gateway import load_config

Edit = Callable[[dict[str, Any]], None]


def _load(edit: Edit) -> None:
    config = copy.deepcopy(flavours_config())
    edit(config)
    load_config(config)


def _ws(**route: Any) -> Edit:
    return lambda c: c["apis"][1]["routes"].append(route)


@pytest.mark.parametrize(
    ("edit", "path", "text"),
    [
        (
            _ws(route_key="sendmessage", authorization="AWS_IAM"),
            "apis[1].routes[3].authorization",
            "$connect route only",
        ),
        (_ws(route_key="x", method="GET"), "apis[1].routes[3].method", "route_key, not a method"),
        (_ws(route_key="bad key!"), "apis[1].routes[3].route_key", "is not valid"),
        (_ws(route_key="$default"), "apis[1].routes[3]", "duplicate route '$default'"),
        (
            lambda c: c["apis"][0]["routes"].append({"route_key": "$connect"}),
            "apis[0].routes[3].route_key",
            "WebSocket",
        ),
        (lambda c: c["apis"][1].update(stages=["$default"]), "apis[1].stages[0]", "type: HTTP"),
        (
            lambda c: c["apis"][1].update(resource_policy={"Statement": []}),
            "apis[1].resource_policy",
            "WebSocket APIs",
        ),
        (
            lambda c: c["apis"][0].update(endpoint_type="PRIVATE"),
            "apis[0].endpoint_type",
            "private endpoints",
        ),
        (lambda c: c["apis"][0].update(stages=["beta", "beta"]), "apis[0].stages[1]", "duplicate stage"),
        (lambda c: c["apis"][0].update(type="GRAPHQL"), "apis[0].type", "not one of REST, HTTP, WEBSOCKET"),
        (lambda c: c["groups"].append(copy.deepcopy(c["groups"][0])), "groups[4]", "duplicate name"),
        (
            lambda c: c["groups"][0].update(account="999999999999"),
            "groups[0].account",
            "not listed under accounts",
        ),
        (lambda c: c["groups"][0].update(members=["john"]), "groups[0].members", "unknown field"),
    ],
)
def test_refused_with_the_field_named(edit: Edit, path: str, text: str) -> None:
    with pytest.raises(ConfigError) as error:
        _load(edit)
    assert error.value.path == path
    assert text in str(error.value)


def test_websocket_routes_default_to_iam_on_connect_only() -> None:
    api = load_config(flavours_config()).apis[1]
    assert [(r.route_key, r.authorization) for r in api.routes] == [
        ("$connect", "AWS_IAM"),
        ("$default", "NONE"),
        ("ping", "NONE"),
    ]
    assert api.route("ping") is not None and api.route("ping").answer is not None  # type: ignore[union-attr]


def test_a_group_is_in_one_account() -> None:
    config = load_config(flavours_config())
    assert config.group("ReadOnly-Group", "111122223333") is not None
    assert config.group("ReadOnly-Group", "222222222222") is None
    assert config.groups[0].arn == "arn:aws:iam::111122223333:group/ReadOnly-Group"
    labels = [p.label for p in config.group_policies("arn:aws:iam::111122223333:user/john-readonly")]
    assert labels == ["group ReadOnly-Group policy 1"]
    assert config.group_policies("arn:aws:sts::111122223333:assumed-role/r/s") == ()
