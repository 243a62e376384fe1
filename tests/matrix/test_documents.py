"""The shared document validator (``apiclient._documents``): one set of rules for matrices and gateway
configurations, and a nesting limit that turns a too-deep document into a ConfigError naming the path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from apiclient._documents import MAX_DEPTH, Fields, check_depth
from apiclient.errors import ConfigError
from apiclient.gateway import load_config
from apiclient.matrix import load_matrix

DEEP = 1000
MATRIX: dict[str, Any] = {
    "url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
    "identities": {"nobody": {"anonymous": True}},
    "requests": [{"method": "GET", "path": "/", "expect": {"nobody": "deny"}}],
}


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"k": [value]} if isinstance(value, str) else [value]
    return value


def test_a_deep_json_file_is_a_config_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "matrix.json"
    path.write_text('{"url": "x", "identities": {"deep": ' + "[" * DEEP + "]" * DEEP + "}}", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_matrix(path)
    assert str(path) in caught.value.problem
    assert caught.value.path.startswith("identities.deep[0][0]")
    assert caught.value.path.count("[0]") == MAX_DEPTH - 2


def test_a_deep_yaml_file_is_a_config_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "matrix.yaml"
    path.write_text("requests:\n  - expect: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_matrix(path)
    assert "nested more than 64 levels deep" in str(caught.value)
    assert caught.value.path.startswith("requests[0].expect.a.a.a")


def test_a_deep_mapping_is_refused_by_matrices_and_gateway_configurations() -> None:
    deep = {**MATRIX, "requests": [{**MATRIX["requests"][0], "headers": {"X": _nested(DEEP)}}]}
    with pytest.raises(ConfigError) as matrix_error:
        load_matrix(deep)
    assert matrix_error.value.path.startswith("requests[0].headers.X[0][0]")
    with pytest.raises(ConfigError) as config_error:
        load_config({"accounts": [{"id": "111111111111", "name": _nested(DEEP)}]})
    assert config_error.value.path.startswith("accounts[0].name[0][0]")
    assert "nested more than 64 levels deep" in str(config_error.value)


def test_a_recursive_yaml_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "matrix.yaml"
    path.write_text("url: x\nidentities: &loop {again: *loop}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_matrix(path)
    assert caught.value.path == "identities.again"
    assert "contains itself" in caught.value.problem


def test_depth_below_the_limit_and_shared_aliases_are_fine(tmp_path: Path) -> None:
    headers = {"X": _nested(MAX_DEPTH - 5)}
    matrix = load_matrix({**MATRIX, "requests": [{**MATRIX["requests"][0], "headers": headers}]})
    assert matrix.cases[0].request.headers[0][0] == "X"
    # A billion laughs of shared nodes is walked once per node, not once per path.
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    check_depth(yaml.safe_load(laughs))


def test_a_shared_node_too_deep_where_it_is_reused_is_refused() -> None:
    shared = _nested(MAX_DEPTH - 2)
    check_depth({"a": shared})
    with pytest.raises(ConfigError) as caught:
        check_depth({"a": shared, "b": [[[[shared]]]]})
    assert caught.value.path.startswith("b[0][0][0]")


@pytest.mark.parametrize(
    ("load", "document", "path"),
    [
        (load_matrix, {**MATRIX, "region": ""}, "region"),
        (load_config, {"accounts": [{"id": "111111111111", "name": ""}]}, "accounts[0].name"),
    ],
)
def test_both_documents_say_the_same_things(load: Any, document: dict[str, Any], path: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(document)
    assert (caught.value.path, caught.value.problem) == (path, "must be a non-empty string")


def test_fields_name_unknown_fields_and_bad_choices() -> None:
    fields = Fields({"method": "FETCH", "colour": "red"}, "requests[3]")
    with pytest.raises(ConfigError) as unknown:
        fields.check_known(("method",))
    assert unknown.value.path == "requests[3].colour"
    with pytest.raises(ConfigError) as choice:
        fields.choice("method", ("GET", "POST"), "GET")
    assert choice.value.path == "requests[3].method"
    assert fields.optional_choice("absent", ("GET",)) is None
    assert fields.optional_integer("absent", 1, 2) is None


def test_json_matrix_files_load(tmp_path: Path) -> None:
    path = tmp_path / "matrix.json"
    path.write_text(json.dumps(MATRIX), encoding="utf-8")
    assert load_matrix(path).base_dir == tmp_path
