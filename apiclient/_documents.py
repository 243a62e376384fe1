"""JSON and YAML documents (gateway configurations, access matrices): read, bounded, validated field by field.

``read_document`` reads a file; ``Fields`` gives typed access to one mapping of a document and raises
``ConfigError`` whose ``path`` names the field (``apis[0].routes[2].authorization``). A document nested
deeper than ``MAX_DEPTH`` is refused with the path where it goes too deep, before any parser or
validator can recurse into it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from apiclient.errors import ConfigError, PolicyError

__all__ = [
    "MAX_DEPTH",
    "Fields",
    "check_depth",
    "quotes_hint",
    "read_document",
    "read_policy_file",
]

# Far deeper than any configuration, matrix or policy needs, far below Python's recursion limit.
MAX_DEPTH = 64


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _too_deep(path: str) -> ConfigError:
    return ConfigError(f"is nested more than {MAX_DEPTH} levels deep", path or "(top level)")


def check_depth(value: object, path: str = "") -> None:
    """Refuse mappings and lists nested more than ``MAX_DEPTH`` levels, or inside themselves.

    The walk is iterative, and a container shared by YAML aliases is walked once.

    Raises:
        ConfigError: ``path`` names the first mapping or list that is too deep (or a cycle).
    """
    heights: dict[int, int] = {}  # containers walked -> the levels they hold
    on_path: set[int] = set()
    frames: list[list[Any]] = []  # [container, depth, children left, levels so far]

    def enter(node: object, where: str, depth: int) -> int | None:
        if depth > MAX_DEPTH:
            raise _too_deep(where)
        if id(node) in on_path:
            raise ConfigError("contains itself (a recursive alias)", where or "(top level)")
        known = heights.get(id(node))
        if known is not None:
            if depth + known - 1 > MAX_DEPTH:
                raise _too_deep(where)
            return known
        on_path.add(id(node))
        frames.append([node, depth, _children(node, where), 1])
        return None

    if isinstance(value, (Mapping, list)):
        enter(value, path, 1)
    while frames:
        frame = frames[-1]
        child = next(frame[2], None)
        if child is None:
            frames.pop()
            on_path.discard(id(frame[0]))
            heights[id(frame[0])] = frame[3]
            if frames:
                frames[-1][3] = max(frames[-1][3], frame[3] + 1)
        elif isinstance(child[0], (Mapping, list)):
            known = enter(child[0], child[1], frame[1] + 1)
            if known is not None:
                frame[3] = max(frame[3], known + 1)


def _children(node: object, where: str) -> Iterator[tuple[object, str]]:
    if isinstance(node, Mapping):
        return ((v, _at(where, str(k))) for k, v in node.items())
    assert isinstance(node, list)
    return ((v, _at(where, i)) for i, v in enumerate(node))


def read_document(path: Path) -> object:
    """The document in ``path``: JSON for ``.json`` files, YAML otherwise.

    Raises:
        ConfigError: the file cannot be read, does not parse, or is nested too deeply; the message
            names the file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    try:
        data = _parse(path, text)
    except RecursionError:
        # Both parsers recurse per level: find where it goes too deep without recursing.
        where = _deep_path(text)
        raise ConfigError(f"{path} is nested more than {MAX_DEPTH} levels deep", where or "") from None
    try:
        check_depth(data)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error.problem}", error.path) from None
    return data


def _parse(path: Path, text: str) -> object:
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigError(f"{path} is not valid JSON: {error}") from None
    import yaml  # noqa: PLC0415 - only YAML files need it (pyproject: "imported lazily")

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {' '.join(str(error).split())}") from None


def _deep_path(text: str) -> str | None:
    """The path of the first collection nested deeper than ``MAX_DEPTH`` in YAML or JSON text.

    YAML's event stream is read flat, so nothing recurses; JSON text is YAML flow style.
    """
    import yaml  # noqa: PLC0415

    # One frame per open collection: [path, next index, key awaited (mappings only)].
    frames: list[list[Any]] = []

    def place() -> str | None:
        """The path of the node that starts now; None when it is a mapping's key."""
        if not frames:
            return ""
        frame = frames[-1]
        if frame[2] is None:  # a sequence
            frame[1] += 1
            return _at(frame[0], frame[1] - 1)
        if frame[2] is True:
            return None
        frame[2] = True
        return _at(frame[0], frame[1])

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                where = place()
                if where is None:
                    frames[-1][1], frames[-1][2] = getattr(event, "value", "*"), False
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                where = place()
                if where is None:  # a collection as a key: name it "?"
                    frames[-1][1], frames[-1][2] = "?", False
                    where = _at(frames[-1][0], "?")
                if len(frames) >= MAX_DEPTH:
                    return where or "(top level)"
                mapping = isinstance(event, yaml.MappingStartEvent)
                frames.append([where, "" if mapping else 0, True if mapping else None])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                frames.pop()
    except yaml.YAMLError:
        return None
    return None


class Fields:
    """Typed access to one mapping of a document, raising ConfigError with the field's path.

    The document's root (``path`` ``""``) is first checked for depth (``check_depth``).
    """

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError("expected a mapping", path)
        if not path:
            check_depth(data)
        self.data: Mapping[str, Any] = data
        self.path = path

    def at(self, key: str | int) -> str:
        """The path of ``key`` in this mapping."""
        return _at(self.path, key)

    def check_known(self, known: tuple[str, ...]) -> None:
        """Refuse a field that is not in ``known``."""
        for key in self.data:
            if key not in known:
                raise ConfigError(f"unknown field (expected one of: {', '.join(known)})", self.at(str(key)))

    def fields(self, key: str) -> Fields:
        """The mapping at ``key`` (required)."""
        return Fields(self.data.get(key), self.at(key))

    def text(self, key: str, default: str | None = None, pattern: re.Pattern[str] | None = None) -> str:
        """A non-empty string (a number is taken as its text); required unless ``default`` is given."""
        value = self.data.get(key, default)
        if value is None:
            raise ConfigError("is required", self.at(key))
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # YAML reads an unquoted account ID as a number
        if not isinstance(value, str) or not value:
            raise ConfigError("must be a non-empty string", self.at(key))
        if pattern is not None and not pattern.match(value):
            raise ConfigError(f"{value!r} is not valid (expected {pattern.pattern})", self.at(key))
        return value

    def optional_text(self, key: str) -> str | None:
        """``text`` when the field is given, else None."""
        return self.text(key) if self.data.get(key) is not None else None

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        """One of ``choices`` (upper-cased)."""
        value = self.text(key, default).upper()
        if value not in choices:
            raise ConfigError(f"{value!r} is not one of {', '.join(choices)}", self.at(key))
        return value

    def optional_choice(self, key: str, choices: tuple[str, ...]) -> str | None:
        """``choice`` when the field is given, else None."""
        return self.choice(key, choices, "") if self.data.get(key) is not None else None

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        """An integer from ``low`` to ``high``."""
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"must be an integer from {low} to {high}", self.at(key))
        return value

    def optional_integer(self, key: str, low: int, high: int) -> int | None:
        """``integer`` when the field is given, else None."""
        return self.integer(key, low, low, high) if self.data.get(key) is not None else None

    def boolean(self, key: str, default: bool) -> bool:
        """``true`` or ``false``."""
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError("must be true or false", self.at(key))
        return value

    def items(self, key: str) -> list[tuple[object, str]]:
        """The items of the list at ``key`` (none when absent), each with its path."""
        value = self.data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise ConfigError("must be a list", self.at(key))
        return [(item, f"{self.at(key)}[{i}]") for i, item in enumerate(value)]

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of non-empty strings."""
        result = []
        for item, path in self.items(key):
            if not isinstance(item, str) or not item:
                raise ConfigError("must be a non-empty string", path)
            result.append(item)
        return tuple(result)

    def tags(self, key: str) -> dict[str, str]:
        """A mapping of names to string values."""
        value = self.data.get(key, {})
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ConfigError("must map tag names to string values", self.at(key))
        return dict(value)


# Typographic quotes, as a web page or a word processor shows ASCII " and '; JSON accepts neither.
_TYPOGRAPHIC_QUOTES = "\u201c\u201d\u201e\u201f\u2018\u2019\u00ab\u00bb"


def quotes_hint(text: str) -> str:
    """``" (it contains the typographic quotes “ ”...)"`` when ``text`` holds any, else ``""``."""
    found = sorted({char for char in text if char in _TYPOGRAPHIC_QUOTES})
    if not found:
        return ""
    return (
        f" (it contains the typographic quote{'s' if len(found) > 1 else ''} {' '.join(found)}, as pasted "
        'from a web page or a word processor: replace them with straight quotes ")'
    )


def read_policy_file(path: str | Path) -> str:
    """The JSON text of a policy file, validated by the policy engine's parser.

    Raises:
        PolicyError: the file cannot be read or the document is malformed; the message names
            the file and ``.path`` the JSON path (``Statement[1].Condition``).
    """
    from apiclient.policy import parse_policy  # noqa: PLC0415 - the policy engine, only when a file is read

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"cannot read policy file {path}: {error.strerror}") from None
    try:
        parse_policy(text, name=Path(path).name)
    except PolicyError as error:
        raise PolicyError(f"{error.problem} (in {path}){quotes_hint(text)}", error.path) from None
    except RecursionError:
        raise PolicyError(f"is nested too deeply (in {path})") from None
    return text
