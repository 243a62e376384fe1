"""Every script of examples/ says what it shows and how to run it, and has its own test here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from examples_support import EXAMPLES

SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def test_every_example_is_there() -> None:
    assert [script.stem for script in SCRIPTS] == [
        "access_matrix",
        "async_service",
        "ec2_service",
        "integrator_assume_role",
        "lambda_handler",
        "rehearse_policy",
        "seed004_http_api",
    ]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda script: script.name)
def test_each_example_documents_how_to_run_it_and_is_tested(script: Path) -> None:
    docstring = ast.get_docstring(ast.parse(script.read_text())) or ""
    assert "What it shows" in docstring
    assert f"python examples/{script.name}" in docstring
    assert (Path(__file__).parent / f"test_{script.stem}.py").is_file()
