"""The direction of imports around ``sources``, read from the source code (AST).

Every ``import`` counts, wherever it is: at module level, inside a function, under
``TYPE_CHECKING`` (as import-linter counts them). Checked:

1. no import loop among the ``sources.*`` modules (a package's ``__init__`` included);
2. ``sources.*`` imports from ``claims`` only ``ALLOWED_FROM_CLAIMS``, and only public names;
3. no ``sources`` module imports a private name of another one;
4. ``claims.*`` (the core) imports nothing from ``sources``, except in the interface
   modules that are moving to their own apps (``CLAIMS_MAY_IMPORT_SOURCES``).

Modules that another branch is moving out of ``claims`` and ``sources`` are listed in
``MOVING``: what they import is reported, not failed. Run ``python -m
tests.sources.test_layers`` for the report.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("claims", "sources")
ALLOWED_FROM_CLAIMS = frozenset(
    {
        "claims.models",
        "claims.errors",
        "claims.selectors",
        "claims.signals",
        "claims.workflow",
        "claims.services",
    }
)
CLAIMS_MAY_IMPORT_SOURCES = (
    "claims.admin",  # claims/admin*.py
    "claims.api.",
    "claims.views",
    "claims.selectors",
    "claims.management.commands.seed_bench",
)
# Being moved to partners/, publishing/ and desk/ on another branch (not restructured here).
MOVING = ("claims.partners", "sources.admin", "sources.views", "sources.urls")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module
    names: tuple[str, ...]  # names taken from it (empty for "import x")
    line: int
    function_level: bool

    def __str__(self) -> str:
        names = f" ({', '.join(self.names)})" if self.names else ""
        where = " [in a function]" if self.function_level else ""
        return f"{self.source}:{self.line} -> {self.target}{names}{where}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _function_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    lines.add(inner.lineno)
    return lines


def _imports(name: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    in_function = _function_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        nested = getattr(node, "lineno", 0) in in_function
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, alias.name, (), node.lineno, nested)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            plain = []
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in modules:  # "from . import fetching": the module itself
                    yield Import(name, submodule, (), node.lineno, nested)
                else:
                    plain.append(alias.name)
            if plain:
                yield Import(name, target, tuple(plain), node.lineno, nested)


def _private_attributes(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """``other._name`` where ``other`` is another project module bound by an import."""
    tree = ast.parse(path.read_text(), filename=str(path))
    bound: dict[str, str] = {}
    for imp in _imports(name, path, modules):
        if imp.target in modules and imp.target != name and not imp.names:
            bound[imp.target.rpartition(".")[2]] = imp.target
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            yield f"{name}:{node.lineno} uses {bound[node.value.id]}.{node.attr}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a self-import (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@dataclass
class Report:
    sources_modules: list[str]
    sources_graph: dict[str, set[str]]
    cycles: list[list[str]]
    claims_imports: list[Import]  # sources.* -> claims.*
    violations: list[str]
    moving: list[str]  # what the modules in MOVING import across the layers (not failed)
    claims_to_sources: list[Import]


def _is_moving(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in MOVING)


def check() -> Report:
    modules = _modules()
    imports = [imp for name, path in modules.items() for imp in _imports(name, path, modules)]
    sources = sorted(m for m in modules if m.split(".")[0] == "sources")
    graph: dict[str, set[str]] = {m: set() for m in sources}
    for imp in imports:
        if imp.source in graph and imp.target in graph and imp.target != "sources":
            graph[imp.source].add(imp.target)
    violations: list[str] = []
    moving: list[str] = []

    def flag(module: str, message: str) -> None:
        (moving if _is_moving(module) else violations).append(message)

    claims_imports = []
    for imp in imports:
        src_app, dst_app = imp.source.split(".")[0], imp.target.split(".")[0]
        if src_app == "sources" and dst_app == "claims":
            claims_imports.append(imp)
            if imp.target not in ALLOWED_FROM_CLAIMS:
                flag(imp.source, f"not an allowed claims module: {imp}")
            private = [n for n in imp.names if n.startswith("_")]
            if private:
                flag(imp.source, f"private names of claims: {imp}")
        if src_app == "sources" and dst_app == "sources" and imp.target != imp.source:
            private = [n for n in imp.names if n.startswith("_")]
            if private:
                flag(imp.source, f"private names of another sources module: {imp}")
    for name in sources:
        for message in _private_attributes(name, modules[name], modules):
            if message.split(" uses ")[1].split(".")[0] in APPS:
                flag(name, f"private attribute of another module: {message}")
    claims_to_sources = [
        imp
        for imp in imports
        if imp.source.split(".")[0] == "claims" and imp.target.split(".")[0] == "sources"
    ]
    for imp in claims_to_sources:
        if not imp.source.startswith(CLAIMS_MAY_IMPORT_SOURCES):
            flag(imp.source, f"the core imports sources: {imp}")
    return Report(
        sources_modules=sources,
        sources_graph=graph,
        cycles=_cycles(graph),
        claims_imports=claims_imports,
        violations=violations,
        moving=moving,
        claims_to_sources=claims_to_sources,
    )


# --------------------------------------------------------------------------- tests


def test_no_import_loop_among_the_sources_modules():
    assert check().cycles == []


def test_sources_imports_only_public_names_of_the_allowed_claims_modules():
    assert check().violations == []


def test_the_check_sees_function_level_imports_and_loops():
    """The check itself: a loop through an import inside a function is found."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    tree = ast.parse("def f():\n    from . import x\n")
    assert _function_lines(tree) == {2}


# --------------------------------------------------------------------------- report


def main() -> int:
    report = check()
    print(f"sources modules: {len(report.sources_modules)}")
    for module in report.sources_modules:
        targets = sorted(report.sources_graph[module])
        print(f"  {module} -> {', '.join(targets) if targets else '-'}")
    print(f"import loops among sources.*: {report.cycles or 'none'}")
    print("sources.* -> claims.* (every import, function level included):")
    for imp in report.claims_imports:
        print(f"  {imp}")
    print("claims.* -> sources.*:")
    for imp in report.claims_to_sources:
        print(f"  {imp}")
    print("in modules being moved on another branch (reported, not failed):")
    for message in report.moving or ["none"]:
        print(f"  {message}")
    print(f"violations: {len(report.violations)}")
    for message in report.violations:
        print(f"  {message}")
    return 1 if report.cycles or report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
