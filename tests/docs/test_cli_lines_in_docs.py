"""Every ``apiclient ...`` command line shown in README.md and docs/*.md names real commands and options.

Each line is parsed by the click app itself with ``--help`` appended: click rejects an unknown command
or option while parsing, before the eager ``--help`` stops the run, so nothing is executed.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from apiclient.cli.app import cli

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.DOTALL | re.MULTILINE)
# Shell blocks, and CI configuration whose `run:` steps are shell lines.
_SHELL_LANGUAGES = ("bash", "console", "yaml")
_PREFIXES = ("$ ", "- run: ")


def _command_lines() -> list[tuple[str, list[str]]]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for fence in _FENCE.finditer(text):
            if fence["lang"] not in _SHELL_LANGUAGES:
                continue
            for offset, raw in enumerate(fence["body"].splitlines()):
                line = raw.strip()
                for prefix in _PREFIXES:
                    line = line.removeprefix(prefix)
                if line.startswith("apiclient "):
                    number = text.count("\n", 0, fence.start()) + 2 + offset
                    label = f"{page.relative_to(ROOT)}:{number}"
                    found.append((label, shlex.split(line, comments=True)[1:]))
    return found


COMMAND_LINES = _command_lines()


def test_command_lines_are_found() -> None:
    assert len(COMMAND_LINES) >= 10


def test_a_wrong_option_is_caught() -> None:
    # The oracle itself: an option that does not exist must fail the same check.
    result = CliRunner().invoke(cli, ["check", "matrix.yaml", "--no-such-option", "--help"])
    assert result.exit_code == 2


@pytest.mark.parametrize(("label", "args"), COMMAND_LINES, ids=[label for label, _ in COMMAND_LINES])
def test_command_line_parses(label: str, args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--help"])
    assert result.exit_code == 0, f"{label}: apiclient {' '.join(args)}\n{result.output}"
