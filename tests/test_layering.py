"""The house's one direction of imports, and the simulators' injected clock and randomness."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_SIMULATORS = ("ipywidgets", "IPython", "ipykernel", "nbgrader", "voila", "nbformat",
                           "bakhong.widgets", "bakhong.grading", "bakhong.cli", "bakhong.serving")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_simulators_import_no_ui_notebook_or_grading_code() -> None:
    for path in (ROOT / "simulators").glob("*.py"):
        for name in imports_of(path):
            assert not name.startswith(FORBIDDEN_IN_SIMULATORS), f"{path.name} imports {name}"


def test_importing_simulators_loads_none_of_them() -> None:
    code = ("import sys, bakhong.simulators.sandbox, bakhong.simulators.vneid;"
            f"bad = [m for m in sys.modules if m.startswith({FORBIDDEN_IN_SIMULATORS!r})];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_simulators_never_read_the_wall_clock_or_global_random() -> None:
    for path in (ROOT / "simulators").glob("*.py"):
        if path.name == "clock.py":  # the one place that defines SystemClock
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                call = f"{node.value.id}.{node.attr}"
                assert call not in {"datetime.now", "datetime.today", "date.today", "time.time",
                                    "datetime.utcnow"}, f"{path.name}: {call}"
                if node.value.id == "random":
                    assert node.attr in {"Random", "SystemRandom"}, f"{path.name}: random.{node.attr}"


def test_grading_and_widgets_do_not_import_the_front_door() -> None:
    for folder in ("grading", "widgets"):
        for path in (ROOT / folder).glob("*.py"):
            for name in imports_of(path):
                assert not name.startswith(("bakhong.cli", "bakhong.serving")), path.name


def test_lessons_hold_no_logic() -> None:
    for path in (ROOT / "lessons").glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert defs == [], f"{path.name} defines {[d.name for d in defs]}"


def test_the_province_server_loads_no_notebook_machinery() -> None:
    """The provincial server and its figures start without nbgrader, Voila or widgets."""
    code = ("import sys, bakhong.province.server, bakhong.province.officials;"
            "bad = [m for m in sys.modules if m.startswith(('nbgrader', 'voila', 'ipywidgets',"
            " 'IPython', 'nbformat'))];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


#: The folders outside ``simulators/`` and the package each one is installed as.
PACKAGES = {"grading": "bakhong.grading", "widgets": "bakhong.widgets", "bakhong": "bakhong"}


def resolved_imports(path: Path, package: str) -> set[str]:
    """Every module ``path`` imports, relative imports resolved against ``package``, and
    ``from X import y`` counted as both ``X`` and ``X.y`` (y may be a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join([*parts, base]) if base else ".".join(parts)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_the_store_tables_stay_inside_the_simulators() -> None:
    """Grading, the dashboard, the views and the commands go through simulator functions;
    relative imports are resolved, so ``from ..simulators import store`` is caught too."""
    offenders = []
    for folder, package in PACKAGES.items():
        for path in (ROOT / folder).rglob("*.py"):
            sub = path.relative_to(ROOT / folder).parent.parts
            names = resolved_imports(path, ".".join([package, *sub]))
            if "bakhong.simulators.store" in names:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_layering_check_sees_relative_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from ..simulators import store\nfrom ..simulators.store import events\n")
    assert "bakhong.simulators.store" in resolved_imports(sample, "bakhong.grading")
    sample.write_text("from .. import simulators\nfrom ..simulators import learners\n")
    assert "bakhong.simulators.store" not in resolved_imports(sample, "bakhong.grading")


def test_app_views_ask_their_simulator_never_its_store_or_clock() -> None:
    """Under ``bakhong serve`` an app's ``sim`` is the sandbox service's client: it has the
    simulator's public methods only (``bakhong.simulators.desk``), no store and no clock."""
    import re

    reaching = re.compile(r"\bsim\.(store|clock|rng)\b")
    for path in (ROOT / "widgets").glob("*.py"):
        code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith((">>>", "...")))  # doctests may
        assert not reaching.search(code), f"{path.name}: {reaching.search(code)}"
        assert "bakhong.simulators.store" not in imports_of(path), path.name


def test_every_call_a_view_makes_on_its_simulator_is_one_the_service_allows() -> None:
    """A view's ``sim.NAME(...)`` goes through the sandbox service under ``bakhong serve``,
    which refuses any name :func:`bakhong.simulators.desk.allowed` does not list."""
    import re

    from bakhong.simulators.desk import APPS, allowed

    callable_names = set().union(*(allowed(app) for app in APPS)) | {"persona"}  # a property
    for path in (ROOT / "widgets").glob("*.py"):
        for found in re.finditer(r"\bsim(?:\(\))?\.([a-z_]+)\b", path.read_text(encoding="utf-8")):
            assert found[1] in callable_names, f"{path.name}: sim.{found[1]}"
