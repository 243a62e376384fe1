"""Request items and body options of ``invoke``: httpie's separators and curl's -H/-d forms."""

from __future__ import annotations

import io
import json
from pathlib import Path

import click
import pytest

from apiclient.cli.items import RequestItems, parse_header, parse_items, read_body


def test_each_separator_sorts_the_item() -> None:
    parsed = parse_items(["X-Team:blue", "limit==10", "name=pen", "price:=3.5", 'tags:=["a"]'])
    assert parsed.headers == [("X-Team", "blue")]
    assert parsed.query == [("limit", "10")]
    assert parsed.json_fields == {"name": "pen", "price": 3.5, "tags": ["a"]}


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("a:=1", RequestItems(json_fields={"a": 1})),  # ':' and ':=' at the same place: the longest wins
        ("q==a=b", RequestItems(query=[("q", "a=b")])),  # '==' comes before the later '='
        ("Authorization:AWS4 x=y", RequestItems(headers=[("Authorization", "AWS4 x=y")])),
        ("note=a:b", RequestItems(json_fields={"note": "a:b"})),  # the '=' comes first
    ],
)
def test_the_first_separator_wins(item: str, expected: RequestItems) -> None:
    assert parse_items([item]) == expected


@pytest.mark.parametrize("item", ["plain", "=value", "price:=not-json"])
def test_bad_items_are_usage_errors_naming_the_item(item: str) -> None:
    with pytest.raises(click.BadParameter) as caught:
        parse_items([item])
    assert repr(item) in caught.value.message


def test_header_option_needs_a_colon() -> None:
    assert parse_header("Accept:  application/json ") == ("Accept", "application/json")
    with pytest.raises(click.BadParameter):
        parse_header("Accept application/json")


def test_body_from_text_file_and_stdin(tmp_path: Path) -> None:
    empty = io.BytesIO()
    assert read_body('{"a": 1}', {}, empty).content_type == "application/json"
    assert read_body("a=1&b=2", {}, empty).content_type == "application/x-www-form-urlencoded"
    payload = tmp_path / "body.bin"
    payload.write_bytes(b"\x00\x01binary")
    assert read_body(f"@{payload}", {}, empty).data == b"\x00\x01binary"
    assert read_body("@-", {}, io.BytesIO(b"from stdin")).data == b"from stdin"
    fields = read_body(None, {"n": 1}, empty)
    assert json.loads(fields.data or b"") == {"n": 1}
    assert read_body(None, {}, empty).data is None


def test_body_errors(tmp_path: Path) -> None:
    with pytest.raises(click.UsageError):
        read_body("x", {"a": 1}, io.BytesIO())
    with pytest.raises(click.BadParameter) as caught:
        read_body(f"@{tmp_path / 'missing.json'}", {}, io.BytesIO())
    assert "missing.json" in caught.value.message
