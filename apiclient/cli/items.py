"""curl and httpie request arguments: ``-H 'Name: value'``, ``-d @file``, and httpie's request items.

Request items follow httpie: ``Name:value`` is a header, ``key==value`` a query parameter,
``key=value`` a JSON string field and ``key:=json`` a raw JSON field. As in httpie, the separator
that occurs first in the item wins, and at the same position the longest one (so ``a:=1`` is raw
JSON, not the header ``a`` with the value ``=1``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import IO, Any

import click

__all__ = ["Body", "RequestItems", "parse_header", "parse_items", "read_body"]

# Longest first, so that at equal positions the longest separator is taken.
_SEPARATORS = (":=", "==", "=", ":")


@dataclass
class RequestItems:
    """What the positional items of ``invoke`` ask for."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    query: list[tuple[str, str]] = field(default_factory=list)
    json_fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Body:
    """A request body and the Content-Type it implies (None when the caller chooses)."""

    data: bytes | None
    content_type: str | None


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` -> ``("Name", "value")``, as curl's ``-H`` takes it."""
    name, sep, value = text.partition(":")
    name = name.strip()
    if not sep or not name or any(c.isspace() for c in name):
        raise click.BadParameter(f"{text!r} is not a header; expected 'Name: value'", param_hint="-H")
    return name, value.strip()


def _split_item(item: str) -> tuple[str, str, str]:
    found: tuple[int, str] | None = None
    for separator in _SEPARATORS:
        position = item.find(separator)
        if position >= 0 and (found is None or position < found[0]):
            found = (position, separator)
    if found is None:
        raise click.BadParameter(
            f"{item!r} is not a request item; use Name:value, key==value, key=value or key:=json",
            param_hint="ITEM",
        )
    position, separator = found
    key = item[:position]
    if not key.strip():
        raise click.BadParameter(f"{item!r} has an empty name", param_hint="ITEM")
    return key, separator, item[position + len(separator) :]


def parse_items(items: tuple[str, ...] | list[str]) -> RequestItems:
    """Sort httpie-style items into headers, query parameters and JSON fields."""
    parsed = RequestItems()
    for item in items:
        key, separator, value = _split_item(item)
        if separator == ":":
            parsed.headers.append(parse_header(item))
        elif separator == "==":
            parsed.query.append((key, value))
        elif separator == "=":
            parsed.json_fields[key] = value
        else:
            try:
                parsed.json_fields[key] = json.loads(value)
            except json.JSONDecodeError as error:
                raise click.BadParameter(
                    f"{item!r}: the value after ':=' is not JSON ({error.msg})", param_hint="ITEM"
                ) from None
    return parsed


def _looks_like_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def read_body(data: str | None, json_fields: dict[str, Any], stdin: IO[bytes]) -> Body:
    """The body from ``-d`` (text, ``@file`` or ``@-`` for stdin) or from JSON fields, not both.

    ``-d`` that holds JSON is sent as ``application/json``, anything else as curl sends it
    (``application/x-www-form-urlencoded``); JSON fields are always ``application/json``.
    """
    if data is not None and json_fields:
        raise click.UsageError("give the body either with -d/--data or as key=value fields, not both")
    if json_fields:
        return Body(json.dumps(json_fields).encode(), "application/json")
    if data is None:
        return Body(None, None)
    if data == "@-":
        raw = stdin.read()
    elif data.startswith("@"):
        path = data[1:]
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as error:
            raise click.BadParameter(f"cannot read {path}: {error.strerror}", param_hint="-d") from None
    else:
        raw = data.encode()
    return Body(raw, "application/json" if _looks_like_json(raw) else "application/x-www-form-urlencoded")
