"""The project's own copy of API Gateway's refusal bodies (tests/data) stays true to its sources.

Where the maintainers' research notes sit beside the repository (``../shared/reference``, or
``$APICLIENT_REFERENCE``), every body must appear there verbatim; a user's clone has no such folder and runs
only the shape checks.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parent / "data" / "apigateway_errors.json"
REFERENCE = Path(
    os.environ.get("APICLIENT_REFERENCE", Path(__file__).resolve().parents[2] / "shared" / "reference")
)


def _answers() -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["responses"]
    return answers


def test_every_answer_is_a_cited_compact_json_body() -> None:
    answers = _answers()
    assert answers
    for answer in answers:
        document = json.loads(answer["body"])
        # API Gateway sends compact JSON; a re-serialised body would not compare byte for byte.
        assert json.dumps(document, separators=(",", ":"), ensure_ascii=False) == answer["body"]
        assert set(document) in ({"message"}, {"Message"})
        assert answer["status"] in (401, 403)
        assert answer["sources"], answer["body"]
        assert all(source.startswith("https://") for source in answer["sources"])


def test_bodies_are_verbatim_in_the_reference_notes() -> None:
    notes = REFERENCE / "apigateway-errors.md"
    if not notes.is_file():
        pytest.skip(f"reference notes not found at {notes} (set APICLIENT_REFERENCE): shape checks only")
    text = notes.read_text(encoding="utf-8")
    missing = [answer["body"] for answer in _answers() if f"`{answer['body']}`" not in text]
    assert not missing, f"bodies not found verbatim in {notes}: {missing}"
