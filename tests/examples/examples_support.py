"""Shared names for the tests of examples/ (imported by name: conftest.py puts this folder on sys.path)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

RunExample = Callable[..., subprocess.CompletedProcess[str]]
"""The ``run_example`` fixture: ``run_example(argv, env=..., secrets=())``."""
