"""Reading a JSON or YAML document from a file, for the gateway configuration and access matrices."""

from __future__ import annotations

import json
from pathlib import Path

from apiclient.errors import ConfigError

__all__ = ["read_document"]


def read_document(path: Path) -> object:
    """The document in ``path``: JSON for ``.json`` files, YAML otherwise.

    Raises:
        ConfigError: the file cannot be read or does not parse; the message names the file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
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
