"""The JSON Schemas shipped for editors match the loaders: the samples validate, every field is there.

The schemas (``apiclient/schemas/*.schema.json``) give editors completion and hover text for the gateway
configuration and access-matrix files. They are kept by hand, so these tests hold them to the loaders:
every shipped sample validates, its ``yaml-language-server`` line points at the schema, every field a
loader accepts (read from its ``check_known`` calls) is a property in the right place, and the enums
equal the loaders' choices.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from apiclient.diagnostics.causes import CAUSES
from apiclient.endpoint import API_TYPES, AUTHORIZATIONS
from apiclient.errors import ConfigError
from apiclient.gateway import config as gateway_config
from apiclient.gateway import load_config
from apiclient.matrix import load as matrix_load
from apiclient.matrix import load_matrix

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "apiclient" / "schemas"
GATEWAY = "gateway-config.schema.json"
MATRIX = "access-matrix.schema.json"
SAMPLES = [
    *((path, GATEWAY) for path in sorted((ROOT / "apiclient" / "gateway" / "samples").glob("*.yaml"))),
    (ROOT / "examples" / "matrix.yaml", MATRIX),
    (ROOT / "docs" / "snippets" / "matrix.yaml", MATRIX),
]
_MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)

# Where each loader function's check_known() fields live in the schema: (function, receiver) -> pointer.
GATEWAY_PLACES = {
    ("_parse", "top"): "",
    ("_account", "fields"): "/definitions/account",
    ("_group", "fields"): "/definitions/group",
    ("_user", "fields"): "/definitions/user",
    ("_user", "key"): "/definitions/access_key",
    ("_role", "fields"): "/definitions/role",
    ("_api", "fields"): "/definitions/api",
    ("_route", "fields"): "/definitions/route",
    ("_route", "answer_fields"): "/definitions/response",
    ("_web_token", "fields"): "/definitions/web_identity_token",
}
MATRIX_PLACES = {
    ("load_matrix", "top"): "",
    ("_identity", "fields"): "/definitions/identity",
    ("_requests", "fields"): "/definitions/request",
    ("_expectation", "fields"): "/definitions/expectation/anyOf/2",
}


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return schema


def _at(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = schema
    for part in pointer.strip("/").split("/") if pointer else []:
        node = node[int(part)] if isinstance(node, list) else node[part]
    assert isinstance(node, dict)
    return node


def accepted_fields(module: object) -> dict[tuple[str, str], set[str]]:
    """Every ``RECEIVER.check_known(FIELDS)`` call in a loader module, keyed by (function, receiver)."""
    source = Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8")
    tree = ast.parse(source)
    constants = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found: dict[tuple[str, str], set[str]] = {}
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for call in ast.walk(function):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "check_known"
                and isinstance(call.func.value, ast.Name)
            ):
                continue
            argument = call.args[0]
            if isinstance(argument, ast.Name):
                argument = constants[argument.id]
            fields: set[str] = set()
            for element in argument.elts if isinstance(argument, ast.Tuple) else ():
                if isinstance(element, ast.Starred):
                    # (*_IDENTITY_KINDS, ...): a tuple constant spread into this one
                    assert isinstance(element.value, ast.Name)
                    fields |= set(ast.literal_eval(constants[element.value.id]))
                else:
                    fields.add(ast.literal_eval(element))
            found[(function.name, call.func.value.id)] = fields
    return found


@pytest.mark.parametrize("name", [GATEWAY, MATRIX])
def test_schema_is_valid_draft_7(name: str) -> None:
    jsonschema.Draft7Validator.check_schema(_schema(name))


@pytest.mark.parametrize(("path", "name"), SAMPLES, ids=[str(p.relative_to(ROOT)) for p, _ in SAMPLES])
def test_sample_validates_and_names_its_schema(path: Path, name: str) -> None:
    text = path.read_text(encoding="utf-8")
    errors = [
        f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
        for error in jsonschema.Draft7Validator(_schema(name)).iter_errors(yaml.safe_load(text))
    ]
    assert not errors, errors
    modeline = _MODELINE.search(text.split("\n", 1)[0])
    assert modeline, f"{path.name}: the first line should be '# yaml-language-server: $schema=...'"
    assert (path.parent / modeline[1]).resolve() == (SCHEMAS / name).resolve()


_CONFIG_BLOCK = re.compile(r"<!-- gateway config -->\n```yaml\n(?P<body>.*?)^```$", re.DOTALL | re.MULTILINE)
DOC_CONFIGS = [
    (f"{page.name}:{page.read_text(encoding='utf-8').count(chr(10), 0, block.start()) + 2}", block["body"])
    for page in sorted((ROOT / "docs").glob("*.md"))
    for block in _CONFIG_BLOCK.finditer(page.read_text(encoding="utf-8"))
]


@pytest.mark.parametrize(("label", "text"), DOC_CONFIGS, ids=[label for label, _ in DOC_CONFIGS])
def test_gateway_configs_in_the_docs_validate(label: str, text: str) -> None:
    # The pages' configurations (started by a gateway in test_runnable_examples) match the schema too.
    validator = jsonschema.Draft7Validator(_schema(GATEWAY))
    errors = [error.message for error in validator.iter_errors(yaml.safe_load(text))]
    assert not errors, f"{label}: {errors}"


def test_doc_configs_are_found() -> None:
    assert DOC_CONFIGS


@pytest.mark.parametrize(
    ("module", "name", "places"),
    [(gateway_config, GATEWAY, GATEWAY_PLACES), (matrix_load, MATRIX, MATRIX_PLACES)],
    ids=["gateway-config", "access-matrix"],
)
def test_every_accepted_field_is_in_the_schema(module: object, name: str, places: dict[Any, str]) -> None:
    accepted = accepted_fields(module)
    assert set(accepted) == set(places), "a loader gained or lost a validated mapping: map it to the schema"
    schema = _schema(name)
    for place, pointer in places.items():
        node = _at(schema, pointer)
        assert set(node["properties"]) == accepted[place], f"{name}#{pointer} vs {place}"
        assert node.get("additionalProperties") is False, f"{name}#{pointer} should refuse unknown fields"


def test_the_field_finder_finds_fields() -> None:
    # The oracle itself: a field read from the source, and one that is not there.
    accepted = accepted_fields(gateway_config)
    assert "resource_policy" in accepted[("_api", "fields")]
    assert "no_such_field" not in set().union(*accepted.values())
    assert "duration" in accepted_fields(matrix_load)[("_identity", "fields")]


def test_enums_match_the_loaders() -> None:
    gateway, matrix = _schema(GATEWAY), _schema(MATRIX)
    route = gateway["definitions"]["route"]["properties"]
    assert {m.upper() for m in route["method"]["enum"]} == set(gateway_config._METHODS)
    assert {a.upper() for a in route["authorization"]["enum"]} == set(gateway_config._AUTHORIZATIONS)
    api = gateway["definitions"]["api"]["properties"]
    assert {e.upper() for e in api["endpoint_type"]["enum"]} == set(gateway_config._ENDPOINT_TYPES)
    assert {t.upper() for t in api["type"]["enum"]} == set(API_TYPES)
    request = matrix["definitions"]["request"]["properties"]
    assert {a.upper() for a in request["authorization"]["enum"]} == set(AUTHORIZATIONS)
    expectation = matrix["definitions"]["expectation"]["anyOf"][2]["properties"]
    assert set(expectation["cause"]["enum"]) == CAUSES


@pytest.mark.parametrize(
    ("name", "document"),
    [
        (GATEWAY, {"accounts": [{"id": "222222222222"}], "apis": [], "colour": "blue"}),
        (MATRIX, {"url": "https://x", "identities": {"a": {"profile": "p"}}, "requests": [], "x": 1}),
    ],
)
def test_the_schemas_refuse_what_the_loaders_refuse(
    name: str, document: dict[str, Any], tmp_path: Path
) -> None:
    # An unknown field is a schema error, as it is a ConfigError from the loader.
    assert list(jsonschema.Draft7Validator(_schema(name)).iter_errors(document))
    with pytest.raises(ConfigError):
        (load_config if name == GATEWAY else load_matrix)(document)


def test_schemas_ship_as_package_data() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"schemas/*.json"' in pyproject
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == sorted([GATEWAY, MATRIX])
