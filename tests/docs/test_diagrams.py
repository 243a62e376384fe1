"""The docs' diagrams are current, shown, self-contained, and drawn from what the code does.

scripts/gen_diagrams.py draws every SVG under docs/diagrams with Python alone; mkdocs runs it before
each build. These tests draw them again into a temporary folder and compare byte for byte, so a change
to the code a picture asks (classify, sigv4, the refresh windows, Retry) or to performance.json that
was not redrawn fails here, as a stale generated page does.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from apiclient.diagnostics import CAUSES

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = ROOT / "docs" / "diagrams"
NAMES = sorted(p.name for p in DIAGRAMS.glob("*.svg"))
_IMAGE = re.compile(r"!\[[^\]]+\]\((diagrams/[^)\s]+)\)")
_SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def generator(load_script: Callable[[str], ModuleType]) -> ModuleType:
    return load_script("gen_diagrams")


@pytest.fixture(scope="module")
def redrawn(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diagrams")
    generator.write(out)
    return out


def test_the_same_set_of_diagrams(redrawn: Path) -> None:
    assert sorted(p.name for p in redrawn.glob("*.svg")) == NAMES
    assert len(NAMES) >= 6


@pytest.mark.parametrize("name", NAMES)
def test_diagram_is_up_to_date(redrawn: Path, name: str) -> None:
    assert (DIAGRAMS / name).read_text(encoding="utf-8") == (redrawn / name).read_text(encoding="utf-8"), (
        f"docs/diagrams/{name} is stale: run python3 scripts/gen_diagrams.py"
    )


@pytest.mark.parametrize("name", NAMES)
def test_diagram_is_self_contained_svg(name: str) -> None:
    text = (DIAGRAMS / name).read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag == f"{_SVG}svg"
    assert root.find(f"{_SVG}title") is not None  # read by screen readers
    # Nothing fetched from elsewhere: the only URL is the SVG namespace.
    assert re.findall(r"https?://[^\s\"']+", text) == ["http://www.w3.org/2000/svg"]
    assert "<script" not in text and "<image" not in text and "@import" not in text
    x0, y0, width, height = (float(v) for v in root.attrib["viewBox"].split())
    for rect in root.iter(f"{_SVG}rect"):
        x, y = float(rect.attrib["x"]), float(rect.attrib["y"])
        w, h = float(rect.attrib["width"]), float(rect.attrib["height"])
        assert x0 - 0.1 <= x and x + w <= x0 + width + 0.1, f"{name}: a box sticks out sideways"
        assert y0 - 0.1 <= y and y + h <= y0 + height + 0.1, f"{name}: a box sticks out vertically"


def test_every_diagram_is_shown_and_every_picture_exists() -> None:
    shown: set[str] = set()
    for page in sorted((ROOT / "docs").glob("*.md")):
        for target in _IMAGE.findall(page.read_text(encoding="utf-8")):
            assert (ROOT / "docs" / target).is_file(), f"{page.name} shows {target}, which does not exist"
            shown.add(target.removeprefix("diagrams/"))
    assert set(NAMES) <= shown, f"drawn but on no page: {sorted(set(NAMES) - shown)}"


def test_the_box_fits_its_text(generator: ModuleType) -> None:
    # Every box is at least as wide as its widest line, as measured for the widest font named.
    diagrams = [generator.authorization(), generator.classifier(), generator.signing()]
    diagrams += [generator.credentials(), generator.request_life()]
    for diagram in diagrams:
        for node in diagram.nodes.values():
            widest = max(generator.text_width(line, node.size, node.mono) for line in node.lines)
            assert widest <= node.w, f"{diagram.title}: {node.lines} overflows its box"


def test_the_classifier_shows_what_classify_says(generator: ModuleType) -> None:
    text = (DIAGRAMS / "classifier.svg").read_text(encoding="utf-8")
    shown = {cause for cause in CAUSES if f">{cause}<" in text}
    # Every cause the response alone can give is drawn; the rest come from diagnose()'s context.
    assert shown >= {"missing_auth_or_route", "clock_skew", "wrong_region", "no_allow", "unknown"}
    assert len(shown) == len(generator.CLASSIFIER_ROWS)


def test_the_chart_reads_its_data_file(generator: ModuleType, tmp_path: Path) -> None:
    data = json.loads((DIAGRAMS / "performance.json").read_text(encoding="utf-8"))
    committed = (DIAGRAMS / "performance.svg").read_text(encoding="utf-8")
    for metric in data["metrics"]:
        assert f"{metric['ratio']:g} (goal" in committed
    data["metrics"][0]["ratio"] = 0.123
    changed = tmp_path / "performance.json"
    changed.write_text(json.dumps(data), encoding="utf-8")
    redrawn = generator.render_all(changed)["performance.svg"]
    assert "0.123 (goal" in redrawn and redrawn != committed


def test_the_performance_data_matches_the_page() -> None:
    # The chart's figures are the ones docs/performance.md quotes: update performance.json with the page.
    page = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    data = json.loads((DIAGRAMS / "performance.json").read_text(encoding="utf-8"))
    stale = "docs/diagrams/performance.json differs from docs/performance.md: update it, then gen_diagrams.py"
    assert data["run"] in page, stale
    for metric in data["metrics"]:
        row = next((line for line in page.splitlines() if line.startswith(f"| {metric['metric']} ")), None)
        assert row is not None, stale
        # A ratio to a peer is in the row; a measured figure is compared with its goal here.
        assert f"| {metric.get('measured', format(metric['ratio'], 'g'))} " in row, stale
