"""The data-flow rules of the package, read from its source with ``ast``.

``cli`` -> (``session`` | ``httpx``) -> ``_call`` -> (``auth``/``sigv4``, ``credentials``, ``endpoint``,
``retry``); on a refusal ``_call`` -> ``diagnostics`` -> ``policy``; ``matrix`` -> (``session``, ``policy``).
Every import statement counts, wherever it is written: at module level, under ``if TYPE_CHECKING:`` (a
type-only import still ties the two modules together) and inside a function (a lazy import is still a
dependency). An edge goes to the most specific module an import names: ``from apiclient.credentials import
base`` depends on ``apiclient.credentials.base``; ``from apiclient import Client`` on ``apiclient`` itself.
The parent packages Python runs on the way are not edges, or every module would sit in a cycle with
``apiclient/__init__.py``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "apiclient"

# What the gateway, the client's counterpart in every end-to-end test, must never import.
CLIENT_SIDE = ("apiclient.sigv4", "apiclient.auth", "apiclient.session", "apiclient._call", "apiclient.httpx")
# All that the policy engine may import outside its own package.
POLICY_MAY_IMPORT = ("apiclient.errors", "apiclient.endpoint")
# What `import apiclient.sigv4` must not load: the signer is pure and a cold start pays only for it.
SIGNER_MUST_NOT_LOAD = ("requests", "httpx", "botocore", "click")


@dataclass(frozen=True)
class Import:
    """One dependency: ``importer`` names ``imported`` at ``path:line``."""

    importer: str
    imported: str
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} -> {self.imported}"


def module_files(source_root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``source_root`` by dotted name; a package is its ``__init__``."""
    modules: dict[str, Path] = {}
    for path in sorted((source_root / package).rglob("*.py")):
        parts = list(path.relative_to(source_root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _base_of_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module ``from {'.' * level}{name} import ...`` means inside ``module``."""
    anchor = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        anchor = anchor[: len(anchor) - (level - 1)]
    return ".".join([*anchor, name] if name else anchor)


def _target(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of ``name`` that is one of our modules (``a.b.C`` -> ``a.b``), if any."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _import_module_literal(node: ast.AST) -> str | None:
    """The literal name given to ``importlib.import_module`` or ``__import__``, if this is such a call."""
    if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
        return None
    func, name = node.func, node.args[0].value
    called = (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id in ("import_module", "__import__")
    )
    return name if called and isinstance(name, str) else None


def _names_imported(node: ast.AST, module: str, is_package: bool, modules: dict[str, Path]) -> list[str]:
    """The dotted names one node imports (none for a node that is not an import)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = _base_of_relative(module, is_package, node.level, node.module) if node.level else node.module
        # `from pkg import sub` names the submodule when there is one, else a name in pkg.
        return [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else str(base) for alias in node.names
        ]
    literal = _import_module_literal(node)
    return [literal] if literal else []


def imports_of(module: str, path: Path, modules: dict[str, Path], source_root: Path) -> Iterator[Import]:
    """Every import of one of ``modules`` written anywhere in ``path`` (module, TYPE_CHECKING, functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    shown = str(path.relative_to(source_root))
    is_package = path.name == "__init__.py"
    seen: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        for name in _names_imported(node, module, is_package, modules):
            target = _target(name, modules)
            if target is not None and target != module and (target, line) not in seen:
                seen.add((target, line))
                yield Import(module, target, shown, line)


def import_graph(source_root: Path = ROOT, package: str = PACKAGE) -> dict[str, list[Import]]:
    """Each module of ``package`` and the imports it makes of the package's other modules."""
    modules = module_files(source_root, package)
    return {name: list(imports_of(name, path, modules, source_root)) for name, path in modules.items()}


def _strongly_connected(graph: dict[str, list[Import]]) -> list[list[str]]:
    """Tarjan's components, iteratively (the package is deeper than a comfortable recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted({i.imported for i in graph[root]})))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted({i.imported for i in graph.get(child, [])}))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def shortest_cycle(graph: dict[str, list[Import]], members: Iterable[str]) -> list[Import]:
    """One shortest cycle through the first member of a component, as the imports that make it."""
    inside = set(members)
    start = min(inside)
    # Breadth-first from start's imports back to start, staying inside the component.
    came_from: dict[str, Import] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for edge in graph[node]:
                if edge.imported not in inside or edge.imported in came_from:
                    continue
                came_from[edge.imported] = edge
                if edge.imported == start:
                    cycle = [edge]
                    while cycle[0].importer != start:
                        cycle.insert(0, came_from[cycle[0].importer])
                    return cycle
                following.append(edge.imported)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a component of more than one module has one


def cycles_report(graph: dict[str, list[Import]]) -> list[str]:
    """A readable paragraph per import cycle: its modules and one cycle through them, edge by edge."""
    report = []
    for component in _strongly_connected(graph):
        cycle = shortest_cycle(graph, component)
        chain = " -> ".join([edge.importer for edge in cycle] + [cycle[0].importer])
        edges = "\n".join(f"      {edge}" for edge in cycle)
        report.append(
            f"  cycle of {len(component)} modules: {', '.join(component)}\n    e.g. {chain}\n{edges}"
        )
    return report


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def private_owner(module: str) -> str | None:
    """The package a private module belongs to (``a.b._c.d`` -> ``a.b``), or None for a public module."""
    parts = module.split(".")
    for position, part in enumerate(parts):
        if part.startswith("_") and not (part.startswith("__") and part.endswith("__")):
            return ".".join(parts[:position])
    return None


def all_imports(graph: dict[str, list[Import]]) -> Iterator[Import]:
    for edges in graph.values():
        yield from edges


def reaching(graph: dict[str, list[Import]], package: str, banned: tuple[str, ...]) -> list[list[Import]]:
    """For each banned module that ``package`` reaches, directly or through others, one shortest chain."""
    came_from: dict[str, Import] = {}
    frontier = sorted(name for name in graph if _within(name, package))
    reached = set(frontier)
    while frontier:
        following = []
        for node in frontier:
            for edge in graph.get(node, []):
                if edge.imported not in reached:
                    reached.add(edge.imported)
                    came_from[edge.imported] = edge
                    following.append(edge.imported)
        frontier = following
    chains = []
    for name in sorted(came_from):
        if any(_within(name, side) for side in banned):
            chain = [came_from[name]]
            while chain[0].importer in came_from and not _within(chain[0].importer, package):
                chain.insert(0, came_from[chain[0].importer])
            chains.append(chain)
    return chains


def gateway_violations(graph: dict[str, list[Import]]) -> list[list[Import]]:
    return reaching(graph, "apiclient.gateway", CLIENT_SIDE)


def policy_violations(graph: dict[str, list[Import]]) -> list[Import]:
    allowed = ("apiclient.policy", *POLICY_MAY_IMPORT)
    return [
        edge
        for edge in all_imports(graph)
        if _within(edge.importer, "apiclient.policy") and not any(_within(edge.imported, a) for a in allowed)
    ]


def private_violations(graph: dict[str, list[Import]]) -> list[Import]:
    violations = []
    for edge in all_imports(graph):
        owner = private_owner(edge.imported)
        if owner is not None and not _within(edge.importer, owner):
            violations.append(edge)
    return violations


def _listing(edges: list[Import]) -> str:
    return "\n".join(f"  {edge}" for edge in sorted(edges, key=str))


# --- the rules, on the package itself ----------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> dict[str, list[Import]]:
    built = import_graph()
    assert "apiclient.sigv4" in built and "apiclient.policy" in built, f"no package found under {ROOT}"
    return built


def test_no_import_cycles(graph: dict[str, list[Import]]) -> None:
    report = cycles_report(graph)
    assert not report, "import cycles (type-only and function-level imports count):\n" + "\n".join(report)


def test_gateway_never_imports_the_client_side(graph: dict[str, list[Import]]) -> None:
    # Transitively: the gateway must not reach the client side through a module in between either.
    chains = gateway_violations(graph)
    shown = "\n".join(
        f"  {chain[-1].imported}, via:\n" + "\n".join(f"      {edge}" for edge in chain) for chain in chains
    )
    assert not chains, f"apiclient.gateway reaches the client side {CLIENT_SIDE}:\n{shown}"


def test_policy_imports_only_errors_and_endpoint(graph: dict[str, list[Import]]) -> None:
    violations = policy_violations(graph)
    assert not violations, f"apiclient.policy imports beyond {POLICY_MAY_IMPORT}:\n" + _listing(violations)


def test_no_private_module_of_another_package_is_imported(graph: dict[str, list[Import]]) -> None:
    violations = private_violations(graph)
    assert not violations, (
        "imports of a private module (`_name`) from outside the package that holds it:\n"
        + _listing(violations)
    )


def test_importing_the_signer_loads_no_http_library_botocore_or_click() -> None:
    code = (
        "import sys\n"
        "import apiclient.sigv4\n"
        f"banned = {SIGNER_MUST_NOT_LOAD!r}\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in banned)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60, cwd=ROOT
    )
    loaded = result.stdout.split()
    assert not loaded, f"`import apiclient.sigv4` loaded: {', '.join(loaded)}"


# --- the checker itself, on a small package written for each case ----------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, list[Import]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return import_graph(tmp_path, "pkg")


def test_checker_sees_type_only_relative_and_function_level_imports_as_a_cycle(tmp_path: Path) -> None:
    graph = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub import b\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/b.py": "def f():\n    from ..c import thing\n",
            "pkg/c.py": "import pkg.a\n",
        },
    )
    (report,) = cycles_report(graph)
    assert "cycle of 3 modules: pkg.a, pkg.c, pkg.sub.b" in report
    assert "pkg.a -> pkg.sub.b -> pkg.c -> pkg.a" in report
    assert "pkg/sub/b.py:2: pkg.sub.b -> pkg.c" in report


def test_checker_finds_no_cycle_in_a_one_way_package(tmp_path: Path) -> None:
    graph = _package(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import x\n",
            "pkg/a.py": "from . import b\nfrom pkg import b as again\n",
            "pkg/b.py": "import os\n",
        },
    )
    assert {edge.imported for edge in graph["pkg.a"]} == {"pkg.b"}
    assert cycles_report(graph) == []


def test_checker_tells_a_shared_private_module_from_another_package_s_private_module(tmp_path: Path) -> None:
    graph = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/_shared.py": "",
            "pkg/creds/__init__.py": "from pkg.creds import _client\n",
            "pkg/creds/_client.py": "",
            "pkg/creds/source.py": "from ._client import make\n",
            "pkg/other.py": "from pkg import _shared\nfrom pkg.creds._client import make\n",
        },
    )
    assert [str(edge) for edge in private_violations(graph)] == [
        "pkg/other.py:2: pkg.other -> pkg.creds._client"
    ]


def test_checker_follows_the_gateway_through_a_module_in_between(tmp_path: Path) -> None:
    graph = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/gateway/__init__.py": "",
            "pkg/gateway/app.py": "import importlib\ndef serve():\n    importlib.import_module('pkg.util')\n",
            "pkg/util.py": "from pkg.session import Client\n",
            "pkg/session.py": "",
        },
    )
    (chain,) = reaching(graph, "pkg.gateway", ("pkg.session",))
    assert [str(edge) for edge in chain] == [
        "pkg/gateway/app.py:3: pkg.gateway.app -> pkg.util",
        "pkg/util.py:1: pkg.util -> pkg.session",
    ]
