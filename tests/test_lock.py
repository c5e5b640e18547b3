"""Issue 13: installs come from hash-checked locks, so a score never depends on the install day.

``requirements/lock-test.txt`` (everything, the test and postgres extras included) and
``requirements/lock.txt`` (the dependencies, the postgres extra, pip and setuptools) are
written by ``make lock``; ``make demo``, ``make test``, ``.ci/run``, ``make bundle`` and the
README's Windows steps install from them.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections import defaultdict
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lockfile  # noqa: E402  (tools/lockfile.py)

LOCK = ROOT / "requirements" / "lock.txt"
TESTLOCK = ROOT / "requirements" / "lock-test.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def requirements(*extras: str) -> list[Requirement]:
    """pyproject.toml's dependencies and those of ``extras``, with the build backend."""
    found = [Requirement(r) for r in PYPROJECT["dependencies"]]
    for extra in extras:
        found += [Requirement(r) for r in PYPROJECT["optional-dependencies"][extra]]
    return [*found, Requirement("pip"), Requirement("setuptools>=77")]


def with_their_extras(wanted: list[Requirement]) -> list[Requirement]:
    """``psycopg[binary]`` needs ``psycopg-binary`` too: the extras' own requirements, read
    from the installed distributions' metadata (for this platform)."""
    out = list(wanted)
    for requirement in wanted:
        for extra in requirement.extras:
            for text in metadata.requires(requirement.name) or []:
                needed = Requirement(text)
                if needed.marker is not None and needed.marker.evaluate({"extra": extra}) \
                        and not needed.marker.evaluate({"extra": ""}):
                    out.append(needed)
    return out


def unpinned(lock: list[lockfile.Pin], wanted: list[Requirement]) -> list[str]:
    """The requirements no pin of ``lock`` satisfies with a hash."""
    by_name = defaultdict(list)
    for pin in lock:
        by_name[pin.name].append(pin)
    missing = []
    for requirement in wanted:
        pins = by_name.get(canonicalize_name(requirement.name), [])
        if not any(pin.hashes and all(h.startswith("sha256:") for h in pin.hashes)
                   and requirement.specifier.contains(pin.version, prereleases=True)
                   for pin in pins):
            missing.append(str(requirement))
    return missing


def disagreements(runtime: list[lockfile.Pin], test: list[lockfile.Pin]) -> list[str]:
    """Packages the two locks pin to different versions (or the runtime lock alone pins)."""
    versions: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for pin in test:
        versions[pin.name].add((pin.version, str(pin.marker)))
    runtime_versions: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for pin in runtime:
        runtime_versions[pin.name].add((pin.version, str(pin.marker)))
    return sorted(f"{name}: {sorted(pins)} vs {sorted(versions.get(name, set()))}"
                  for name, pins in runtime_versions.items()
                  if {v for v, _ in pins} != {v for v, _ in versions.get(name, set())})


def test_every_dependency_is_pinned_with_a_hash() -> None:
    test_lock, runtime_lock = lockfile.read(TESTLOCK), lockfile.read(LOCK)
    assert unpinned(test_lock, with_their_extras(
        requirements(*PYPROJECT["optional-dependencies"]))) == []
    assert unpinned(runtime_lock, with_their_extras(requirements("postgres"))) == []
    # and the check itself sees a gap
    assert unpinned(runtime_lock, [Requirement("pytest")]) == ["pytest"]
    assert unpinned(test_lock, [Requirement("cryptography>=999")]) == ["cryptography>=999"]


def test_the_two_locks_agree() -> None:
    runtime, test = lockfile.read(LOCK), lockfile.read(TESTLOCK)
    assert disagreements(runtime, test) == []
    assert {p.name for p in runtime} < {p.name for p in test}
    moved = [lockfile.Pin(p.name, "0.0.1", p.marker, p.hashes) if p.name == "voila" else p
             for p in runtime]
    assert disagreements(moved, test) == [
        f"voila: [('0.0.1', 'None')] vs [('{lockfile.for_environment(test)['voila'].version}', "
        "'None')]"]


def test_the_lock_keeps_the_held_back_versions() -> None:
    """requirements/constraints.txt (cryptography<51: its DSA warning zeroes graded cells)."""
    lines = (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8").splitlines()
    constraints = [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]
    assert any(c.name == "cryptography" for c in constraints)
    for lock in (LOCK, TESTLOCK):
        for pin in lockfile.read(lock):
            for constraint in constraints:
                if canonicalize_name(constraint.name) == pin.name:
                    assert constraint.specifier.contains(pin.version), (lock.name, pin)
    assert not SpecifierSet("<51").contains("51.0.1")


@pytest.mark.parametrize("lock", [LOCK, TESTLOCK], ids=["lock", "lock-test"])
def test_windows_pins_are_in_the_universal_lock(lock: Path) -> None:
    pins = lockfile.read(lock)
    windows = lockfile.for_python(pins, lockfile.WINDOWS, "3.11")
    linux = lockfile.for_python(pins, lockfile.LINUX, "3.11")
    assert {"colorama", "pywinpty"} <= {p.name for p in windows}
    assert not {"colorama", "pywinpty"} & {p.name for p in linux}
    assert "pexpect" in {p.name for p in linux} - {p.name for p in windows}
    # one version of each package per Python release, on both platforms
    for patch in range(0, 30):
        for platform in (lockfile.LINUX, lockfile.WINDOWS):
            lockfile.for_environment(pins, {**platform, "python_version": "3.11",
                                            "python_full_version": f"3.11.{patch}"})


def test_the_environment_holds_the_locked_versions() -> None:
    """A package upgraded or downgraded by hand (or by an install that skipped the lock)."""
    import setuptools  # noqa: F401  (puts its vendored, older packaging on sys.path: not ours)

    installed = lockfile.installed()
    assert lockfile.drift(lockfile.read(TESTLOCK), installed) == []
    cryptography = lockfile.for_environment(lockfile.read(TESTLOCK))["cryptography"]
    assert lockfile.drift(lockfile.read(TESTLOCK), {**installed, "cryptography": "51.0.1"}) \
        == [("cryptography", "51.0.1", cryptography.version)]


def make_dry_run(*argv: str) -> list[str]:
    """The commands ``make`` would run, every target rebuilt (-B), none run (-n)."""
    result = subprocess.run(["make", "-n", "-B", *argv], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    return result.stdout.replace("\\\n", " ").splitlines()


def installs(commands: list[str]) -> list[str]:
    return [c for c in commands if "pip" in c and " install " in c]


def unlocked(commands: list[str]) -> list[str]:
    """pip installs that neither check hashes against a lock nor are the editable --no-deps
    install of bakhong itself."""
    return [c for c in installs(commands)
            if not ("--require-hashes -r requirements/lock" in c
                    or ("--no-deps" in c and "--no-build-isolation" in c and c.endswith("-e .")))]


@pytest.mark.parametrize(("target", "locks"), [
    ("demo", ["requirements/lock.txt"]),
    ("test", ["requirements/lock.txt", "requirements/lock-test.txt"]),
    ("bundle", ["requirements/lock.txt"]),
])
def test_make_installs_from_the_lock(target: str, locks: list[str]) -> None:
    commands = make_dry_run(target)
    assert unlocked(commands) == []
    assert [lock for lock in locks if not any(f"-r {lock}" in c for c in installs(commands))] == []
    assert any(c.endswith("-e .") and "--no-deps" in c for c in installs(commands))
    assert any(c.strip().endswith("bakhong kernel") for c in commands)
    assert unlocked(["pip install -e ."]) == ["pip install -e ."]


def test_ci_runs_the_locked_targets() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make .venv/.installed-test" in ci and "make test" in ci
    assert "pip install" not in ci


def test_the_readme_installs_from_the_lock_on_windows() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    windows = readme[readme.index("## Installing on Windows"):]
    windows = windows[:windows.index("```", windows.index("```bat") + 6)]
    pips = [line for line in windows.splitlines() if "pip install" in line]
    assert any("--require-hashes -r requirements\\lock.txt" in line for line in pips)
    assert all("--require-hashes" in line or ("--no-deps" in line and "-e ." in line)
               for line in pips), pips
