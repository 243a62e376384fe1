"""The mkdocs-material site builds with --strict: no broken link, anchor, nav entry or snippet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_mkdocs_build_strict(repo_root: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=repo_root,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert (site / "index.html").is_file()
    assert (site / "cli" / "index.html").is_file()
