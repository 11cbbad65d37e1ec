"""The shape of the code, held by tests: the platform app (``agency``) imports no domain app outside its URL
composition root, nothing imports the demo seeder, no module is over 500 lines, and no two modules import
each other through any path (imports inside functions included)."""

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("agency", "offenders", "supervision", "demo")
DOMAIN_APPS = ("offenders", "supervision", "demo")
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if {"migrations", "__pycache__"} & set(path.parts):
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            targets |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return {target for target in targets if target in MODULES and target != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_the_modules_are_found():
    assert {"agency.urls", "supervision.lifecycle", "supervision.workspace.views", "demo.seed"} <= set(MODULES)


def test_agency_imports_no_domain_app_outside_its_url_root():
    upward = {
        name: sorted(dep for dep in deps if dep.split(".")[0] in DOMAIN_APPS)
        for name, deps in GRAPH.items()
        if name.startswith("agency") and name != "agency.urls"
    }
    assert {name: deps for name, deps in upward.items() if deps} == {}


def test_nothing_imports_the_demo_seeder():
    importers = {
        name for name, deps in GRAPH.items() if not name.startswith("demo") and any(d.startswith("demo") for d in deps)
    }
    assert importers == set()


def test_no_module_is_over_500_lines():
    big = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert big == {}


def test_no_import_cycle():
    try:
        graphlib.TopologicalSorter(GRAPH).prepare()
    except graphlib.CycleError as cycle:
        pytest.fail(f"import cycle: {' -> '.join(cycle.args[1])}")


def test_the_cycle_check_sees_a_cycle():
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter({"a": {"b"}, "b": {"a"}}).prepare()
