"""The matrix file (``apiclient.matrix.load_matrix``): what it accepts, and errors that name the field."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from apiclient.errors import ConfigError
from apiclient.matrix import Actual, Expectation, load_matrix, write_junit

GOOD = {
    "url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
    "resource_policy": "api.json",
    "identities": {
        "reader": {"profile": "readonly", "identity_policies": ["reader.json"]},
        "partner": {
            "role_arn": "arn:aws:iam::111111111111:role/tester",
            "external_id": "xyz",
            "source": "reader",
        },
        "ci": {"access_key": "AKIDEXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
    },
    "requests": [
        {"method": "get", "path": "/products", "expect": {"reader": "allow", "partner": 200}},
        {
            "name": "create",
            "method": "POST",
            "path": "/products",
            "headers": {"X-Forwarded-For": "198.51.100.7"},
            "expect": {"reader": {"outcome": "deny", "cause": "no_allow"}, "ci": "deny"},
        },
    ],
}


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "MATRIX.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_valid_matrix_becomes_one_case_per_cell(tmp_path: Path) -> None:
    matrix = load_matrix(_write(tmp_path, GOOD))
    assert [case.label for case in matrix.cases] == [
        "reader: GET /products",
        "partner: GET /products",
        "reader: create",
        "ci: create",
    ]
    assert matrix.resource_policy == tmp_path / "api.json"
    assert matrix.identities["reader"].identity_policies == (tmp_path / "reader.json",)
    assert matrix.cases[2].expectation == Expectation("deny", None, "no_allow")
    assert matrix.cases[2].request.headers == (("X-Forwarded-For", "198.51.100.7"),)
    assert "wJalr" not in repr(matrix)


def _broken(change: dict[str, object]) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(yaml.safe_dump(GOOD, sort_keys=False))
    for dotted, value in change.items():
        target: Any = data
        *parents, last = dotted.split("/")
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"requests/1/expect/reader": "maybe"}, "requests[1].expect.reader"),
        ({"requests/1/expect/nobody": "deny"}, "requests[1].expect.nobody"),
        ({"requests/0/expect/reader": {"cause": "not_a_cause"}}, "requests[0].expect.reader.cause"),
        ({"requests/0/path": "products"}, "requests[0].path"),
        ({"requests/0/expect/reader": 999}, "requests[0].expect.reader"),
        ({"identities/ci": {"access_key": "AKIDEXAMPLE"}}, "identities.ci.secret_key"),
        ({"identities/ci": {"profile": "a", "sample": "b"}}, "identities.ci"),
        ({"identities/partner/source": "ghost"}, "identities.partner.source"),
        ({"identities/reader/colour": "red"}, "identities.reader.colour"),
        ({"url": None}, "url"),
    ],
)
def test_errors_name_the_field(tmp_path: Path, change: dict[str, object], path: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_matrix(_write(tmp_path, _broken(change)))
    assert caught.value.path == path


def test_unparsable_or_missing_files_are_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("identities: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_matrix(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_matrix(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("expectation", "actual", "met"),
    [
        (Expectation("allow"), Actual("allow", 200), True),
        (Expectation("allow"), Actual("deny", 403, "no_allow"), False),
        (Expectation(status=404), Actual("allow", 404), True),
        (Expectation("deny", cause="explicit_deny"), Actual("deny", 403, "no_allow"), False),
        (Expectation("deny"), Actual("deny", error="connection refused"), False),
    ],
)
def test_expectations(expectation: Expectation, actual: Actual, met: bool) -> None:
    assert expectation.met_by(actual) is met


def test_offline_judges_a_status_as_its_outcome() -> None:
    assert Expectation(status=200).met_by(Actual("allow"), judge_status_as_outcome=True)
    assert not Expectation(status=403).met_by(Actual("allow"), judge_status_as_outcome=True)


def test_junit_has_a_failure_with_the_diagnosis(tmp_path: Path) -> None:
    matrix = load_matrix(_write(tmp_path, GOOD))
    passed = (matrix.cases[0], Actual("allow", 200), True)
    failed = (matrix.cases[1], Actual("deny", 403, "no_allow", "no statement allows it", "Why: ..."), False)
    broken = (matrix.cases[2], Actual("deny", error="connection refused"), False)
    report = tmp_path / "junit.xml"
    write_junit(report, [passed, failed, broken], seconds=0.25)
    suite = ET.parse(report).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    failure = suite.find("testcase[@name='partner']/failure")
    assert failure is not None
    assert failure.get("message") == "expected 200, got deny (403 no_allow)"
    assert "Why: ..." in (failure.text or "")
    assert suite.find("testcase[@name='reader']/error") is not None
