"""Every example in README.md and docs/*.md marked runnable actually runs.

Conventions:

- a ```python block on the line after ``<!-- run -->`` is executed, each in a fresh namespace, in
  a temporary directory, with the environment restored afterwards. The examples start their own
  local gateway with ``apiclient.gateway.running(sample_config())``, so they are exactly what a
  reader can paste. When the block is followed by ``<!-- output -->`` and a ```text block, what
  the example prints must be that text;
- a ```python block after ``<!-- run: pytest -->`` is a test module: it is written to a file and
  run by pytest in a subprocess (the ``apiclient.testing`` fixtures come from the installed plugin),
  and every test in it must pass;
- a ```yaml block after ``<!-- gateway config -->`` must be a valid gateway configuration that
  a gateway starts with;
- every other ```python block must at least compile.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml

from apiclient.gateway import running

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.DOTALL | re.MULTILINE)
_RUN = "<!-- run -->"
_RUN_PYTEST = "<!-- run: pytest -->"
_GATEWAY_CONFIG = "<!-- gateway config -->"
_OUTPUT = "<!-- output -->"


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    code: str
    marker: str
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
                before if before in (_RUN, _RUN_PYTEST, _GATEWAY_CONFIG) else "",
                output,
            )
        )
    return blocks


ALL_BLOCKS = [block for page in PAGES for block in _blocks(page)]
RUNNABLE = [block for block in ALL_BLOCKS if block.marker == _RUN]
PYTEST_MODULES = [block for block in ALL_BLOCKS if block.marker == _RUN_PYTEST]
GATEWAY_CONFIGS = [block for block in ALL_BLOCKS if block.marker == _GATEWAY_CONFIG]
PYTHON = [block for block in ALL_BLOCKS if block.language == "python" and not block.marker]


def test_examples_are_found() -> None:
    # Guards the convention itself: a renamed marker must not make every example silently skip.
    assert any(block.page.name == "README.md" for block in RUNNABLE)
    assert len(RUNNABLE) >= 8
    assert PYTEST_MODULES
    assert GATEWAY_CONFIGS
    marked = RUNNABLE + PYTEST_MODULES
    assert all(block.language == "python" for block in marked), [b.label for b in marked]
    assert all(block.language == "yaml" for block in GATEWAY_CONFIGS), [b.label for b in GATEWAY_CONFIGS]


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda block: block.label)
def test_runnable_example(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    saved_environment = dict(os.environ)
    logger = logging.getLogger("apiclient")
    saved_logging = (logger.level, list(logger.handlers))
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(block.code, block.label, "exec"), {"__name__": "__docs__"})
    finally:
        os.environ.clear()
        os.environ.update(saved_environment)
        logger.setLevel(saved_logging[0])
        logger.handlers[:] = saved_logging[1]
    if block.output is not None:
        assert printed.getvalue() == block.output


@pytest.mark.parametrize("block", PYTHON, ids=lambda block: block.label)
def test_python_example_compiles(block: Block) -> None:
    compile(block.code, block.label, "exec")


@pytest.mark.parametrize("block", PYTEST_MODULES, ids=lambda block: block.label)
def test_pytest_example(block: Block, tmp_path: Path) -> None:
    (tmp_path / "test_doc_example.py").write_text(block.code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_doc_example.py"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout


@pytest.mark.parametrize("block", GATEWAY_CONFIGS, ids=lambda block: block.label)
def test_gateway_config_example(block: Block) -> None:
    with running(yaml.safe_load(block.code)) as gateway:
        # Loaded and serving: an unsigned call gets API Gateway's refusal or an answer, not an error.
        assert requests.get(gateway.api_url() + "/", timeout=10).status_code < 500
