"""The floors of the code base (docs/architecture.md): the ground floor imports no
app, no two modules import each other round a circle, and no module is too long to
read in one sitting. Imports are read from the source, lazy ones inside functions
included: a lazy import hides a circle, it does not break it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "pcc_grants"
MAX_LINES = 600


def _packages() -> list[str]:
    """The project's top-level packages: folders at the root with an ``apps.py`` or
    ``__init__.py`` (the kernel, the apps, the tools)."""
    return sorted(
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name != "tests"
    )


def _modules() -> dict[str, Path]:
    """Every project module outside migrations, by dotted name."""
    found = {}
    for package in _packages():
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" in relative.parts:
                continue
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules that ``name`` imports, at any depth of its code."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets.add(source)
            # ``from . import services`` imports the module ``services``.
            targets.update(f"{source}.{alias.name}" for alias in node.names)
    resolved = set()
    for target in targets:
        # ``import funding.models`` also runs ``funding/__init__.py``; what counts is
        # the deepest project module the name reaches.
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_walker_sees_lazy_and_relative_imports():
    """The walk reads what the tests below rely on: a lazy import inside a function,
    ``from . import x`` and ``from .x import y``."""
    graph = {
        "a.one": {"a.two"},
        "a.two": {"a.one"},
        "a.three": set(),
    }
    assert _circles(graph) == [["a.one", "a.two"]]
    assert "funding.models" in GRAPH["funding.services"]
    assert "pcc_grants.roles" in GRAPH["pcc_grants.permissions"]
    # decisions/services.py imports its notifications inside a function.
    assert "decisions.notifications" in GRAPH["decisions.services"]


def test_there_is_no_import_circle_between_the_projects_modules():
    assert _circles(GRAPH) == []


def test_the_ground_floor_imports_no_app():
    apps = set(_packages()) - {KERNEL}
    upward = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name.split(".")[0] == KERNEL
        for target in targets
        if target.split(".")[0] in apps
    )
    assert upward == []


def test_the_jobs_floor_stands_on_the_ground_floor_alone():
    """Domain apps register their kinds of job with ``jobs``; ``jobs`` runs them
    without knowing any app."""
    upward = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name.split(".")[0] == "jobs"
        for target in targets
        if target.split(".")[0] not in {"jobs", KERNEL}
    )
    assert upward == []


def test_no_module_is_longer_than_600_lines():
    too_long = sorted(
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in MODULES.values()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    )
    assert too_long == []
