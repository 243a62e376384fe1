"""Text and JSON output: one place decides how results reach stdout."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from typing import Any

import click

from apiclient.cli.app import CliContext

__all__ = ["emit", "json_text", "table"]


def _default(value: Any) -> Any:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return str(value)


def json_text(data: Any) -> str:
    """``data`` as indented JSON; datetimes as ISO 8601, objects through their ``to_dict()``."""
    return json.dumps(data, indent=2, default=_default)


def emit(state: CliContext, data: Any, text: str) -> None:
    """Print ``data`` as JSON or ``text`` as it is, according to ``--output``."""
    click.echo(json_text(data) if state.json else text.rstrip("\n"))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain, left-aligned text table with a rule under the header."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])
