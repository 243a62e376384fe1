"""Every example in README.md and docs/*.md marked runnable actually runs.

Convention: a ```python block on the line after ``<!-- run -->`` is executed (each in a fresh
namespace, in a temporary directory, with the environment restored afterwards). The examples
start their own local gateway with ``apiclient.gateway.running(sample_config())``, so they are
exactly what a reader can paste. When the block is followed by ``<!-- output -->`` and a
```text block, what the example prints must be that text. Every other ```python block must at
least compile.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.DOTALL | re.MULTILINE)
_RUN = "<!-- run -->"
_OUTPUT = "<!-- output -->"


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    code: str
    runnable: bool
    output: str | None

    @property
    def label(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    fences = list(_FENCE.finditer(text))
    blocks = []
    for index, fence in enumerate(fences):
        before = text[: fence.start()].rstrip().rsplit("\n", 1)[-1].strip()
        output = None
        if index + 1 < len(fences):
            following = fences[index + 1]
            between = text[fence.end() : following.start()].strip()
            if between == _OUTPUT and following["lang"] == "text":
                output = following["body"]
        blocks.append(
            Block(
                page,
                text.count("\n", 0, fence.start()) + 1,
                fence["lang"],
                fence["body"],
                before == _RUN,
                output,
            )
        )
    return blocks


ALL_BLOCKS = [block for page in PAGES for block in _blocks(page)]
RUNNABLE = [block for block in ALL_BLOCKS if block.runnable]
PYTHON = [block for block in ALL_BLOCKS if block.language == "python" and not block.runnable]


def test_examples_are_found() -> None:
    # Guards the convention itself: a renamed marker must not make every example silently skip.
    assert any(block.page.name == "README.md" for block in RUNNABLE)
    assert len(RUNNABLE) >= 8
    assert all(block.language == "python" for block in RUNNABLE), [b.label for b in RUNNABLE]


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda block: block.label)
def test_runnable_example(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    saved_environment = dict(os.environ)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(block.code, block.label, "exec"), {"__name__": "__docs__"})  # noqa: S102
    finally:
        os.environ.clear()
        os.environ.update(saved_environment)
    if block.output is not None:
        assert printed.getvalue() == block.output


@pytest.mark.parametrize("block", PYTHON, ids=lambda block: block.label)
def test_python_example_compiles(block: Block) -> None:
    compile(block.code, block.label, "exec")
