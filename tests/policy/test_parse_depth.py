"""Documents nested far deeper than the grammar: a PolicyError naming the path, never RecursionError."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from apiclient.errors import PolicyError
from apiclient.policy import AccessRequest, authorize, parse_policy
from apiclient.policy.parse import MAX_DEPTH

DEEP = 1_000


def _nested_list(depth: int) -> list[Any]:
    outer: list[Any] = []
    current = outer
    for _ in range(depth - 1):
        inner: list[Any] = []
        current.append(inner)
        current = inner
    return outer


def _policy(values: Any) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "*",
                "Condition": {"StringLike": {"aws:UserAgent": values}},
            }
        ],
    }


DEEP_PATH = "Statement[0].Condition.StringLike.aws:UserAgent"
DEEP_TEXT = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", '
    f'"Resource": "*", "Condition": {{"StringLike": {{"aws:UserAgent": {"[" * DEEP}{"]" * DEEP}}}}}}}]}}'
)


@pytest.mark.parametrize(
    "document",
    [_policy(_nested_list(DEEP)), DEEP_TEXT, DEEP_TEXT.encode()],
    ids=["dict", "text", "bytes"],
)
def test_a_document_nested_1000_deep_is_a_policy_error_naming_the_path(document: Any) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(document)
    assert raised.value.path is not None
    assert raised.value.path.startswith(DEEP_PATH + "[0]")
    assert f"more than {MAX_DEPTH} levels" in str(raised.value)


def test_json_too_deep_for_the_parser_itself_still_names_the_path() -> None:
    text = '{"Statement": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001
    with pytest.raises(PolicyError) as raised:
        parse_policy(text)
    assert raised.value.path == "Statement" + ".a" * (MAX_DEPTH - 1)


def test_authorize_reports_a_deep_resource_policy_as_a_policy_error() -> None:
    request = AccessRequest(
        principal_arn=None,
        principal_account=None,
        api_owner_account="111122223333",
        source_ip="192.0.2.1",
        method="GET",
        stage="prod",
        path="/x",
        api_id="abc",
        region="us-east-1",
        current_time=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    )
    for document in (_policy(_nested_list(DEEP)), DEEP_TEXT):
        with pytest.raises(PolicyError, match="levels deep"):
            authorize(request, resource_policy=document, authorization="NONE")
        with pytest.raises(PolicyError, match="levels deep"):
            authorize(request, resource_policy=None, identity_policies=[document], authorization="NONE")


def test_the_grammar_depth_is_well_inside_the_limit() -> None:
    assert parse_policy(_policy(["Mozilla*"])).statements[0].conditions[0].values == ("Mozilla*",)
