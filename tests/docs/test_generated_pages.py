"""The generated pages match what the code prints today.

docs/cli.md must equal the click app's help exactly. docs/diagnoses.md and docs/snippets/* are
regenerated against a fresh local gateway and compared after masking what changes on every run
(timestamps, ports, signatures, temporary key IDs); anything else that differs means the code's
output changed and the docs must be regenerated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

_VOLATILE = (
    (re.compile(r"\d{8}T\d{6}Z"), "<AMZ-DATE>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"), "<TIME>"),
    (re.compile(r"\b\d{8}/"), "<DATE>/"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<PORT>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<SHA256>"),
    (re.compile(r"\bASIA[A-Z0-9]{16}\b"), "<ASIA-KEY>"),
    (re.compile(r"[+-]\d+ s\b"), "<SECONDS> s"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<UUID>"),
    (re.compile(r"apiclient-[\w.@=,-]+-\d{9,}"), "<SESSION-NAME>"),
)


def normalize(text: str) -> str:
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def test_normalize_masks_only_volatile_values() -> None:
    first = "signed at 20261122T125911Z for 20261122/us-west-2 on 127.0.0.1:34557 (+600 s)"
    second = "signed at 20271231T000000Z for 20271231/us-west-2 on 127.0.0.1:8080 (-5 s)"
    assert normalize(first) == normalize(second)
    assert normalize("403 no_allow") != normalize("403 explicit_deny")


def test_cli_reference_is_up_to_date(repo_root: Path, load_script: Callable[[str], ModuleType]) -> None:
    generator = load_script("gen_cli_reference")
    assert (repo_root / "docs" / "cli.md").read_text(encoding="utf-8") == generator.render(), (
        "docs/cli.md is stale: run python3 scripts/gen_cli_reference.py"
    )


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory, load_script: Callable[[str], ModuleType]) -> Path:
    out = tmp_path_factory.mktemp("docs")
    load_script("gen_doc_examples").generate(out)
    return out


def _generated_files(root: Path) -> list[str]:
    return ["diagnoses.md", *sorted(f"snippets/{p.name}" for p in (root / "snippets").iterdir())]


def test_generated_files_are_the_same_set(repo_root: Path, regenerated: Path) -> None:
    assert _generated_files(repo_root / "docs") == _generated_files(regenerated)


@pytest.mark.parametrize(
    "name",
    [
        "diagnoses.md",
        "snippets/api-policy.json",
        "snippets/reader-policy.json",
        "snippets/matrix.yaml",
        "snippets/explain.txt",
        "snippets/who-can.txt",
        "snippets/check.txt",
        "snippets/check-offline.txt",
    ],
)
def test_generated_page_is_up_to_date(repo_root: Path, regenerated: Path, name: str) -> None:
    committed = (repo_root / "docs" / name).read_text(encoding="utf-8")
    fresh = (regenerated / name).read_text(encoding="utf-8")
    assert normalize(committed) == normalize(fresh), (
        f"docs/{name} no longer matches the code's output: run python3 scripts/gen_doc_examples.py"
    )
