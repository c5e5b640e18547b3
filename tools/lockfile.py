"""The hash-checked locks in ``requirements/`` (written by ``make lock`` with uv), read.

    python tools/lockfile.py drift LOCK           # installed versions that differ from LOCK
    python tools/lockfile.py audit LOCK PIP_AUDIT # pip-audit of LOCK, saying what it could check

A lock is ``uv pip compile --universal --generate-hashes`` output: one entry per pinned
version, ``name==version`` with an optional environment marker (``; sys_platform ==
'win32'``) and its ``--hash=sha256:…`` options, continued with backslashes. A package may
be pinned twice under exclusive markers (``numpy==2.4.6 ; python_full_version < '3.12'``).
:func:`for_environment` picks the pins of one target (``tools/bundle.py`` uses it for the
Windows and Linux wheels, ``pip download --platform`` would evaluate the markers against the
machine it runs on).
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

__all__ = ["LINUX", "WINDOWS", "Pin", "by_release", "drift", "for_environment", "for_python",
           "read"]


@dataclass(frozen=True)
class Pin:
    name: str  # canonical (PEP 503)
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]  # "sha256:…"

    def applies(self, environment: Mapping[str, str] | None = None) -> bool:
        """Whether the marker holds (variables missing from ``environment`` are this
        interpreter's)."""
        if self.marker is None:
            return True
        return self.marker.evaluate(None if environment is None else dict(environment))

    def line(self) -> str:
        """The pin as a requirements line without its marker (for one chosen target)."""
        return " ".join([f"{self.name}=={self.version}", *(f"--hash={h}" for h in self.hashes)])


def read(path: Path) -> list[Pin]:
    pins = []
    for entry in _entries(path.read_text(encoding="utf-8")):
        spec, *options = entry.split(" --hash=")
        requirement = Requirement(spec)
        [specifier] = requirement.specifier  # exactly one: ==version
        if specifier.operator != "==":
            raise ValueError(f"{path}: {spec!r} is not pinned with ==")
        pins.append(Pin(canonicalize_name(requirement.name), specifier.version,
                        requirement.marker, tuple(o.strip() for o in options)))
    return pins


def _entries(text: str) -> Iterable[str]:
    entry = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()  # "# via …" annotations, the header
        if not line:
            continue
        continued = line.endswith("\\")
        entry += " " + line.rstrip("\\").strip()
        if not continued:
            yield " ".join(entry.split())
            entry = ""
    if entry.strip():
        yield " ".join(entry.split())


#: Marker variables of the bundle's targets; python_version/python_full_version are added by
#: :func:`for_python`.
LINUX = {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
         "platform_machine": "x86_64", "implementation_name": "cpython",
         "platform_python_implementation": "CPython", "platform_release": "",
         "platform_version": ""}
WINDOWS = {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
           "platform_machine": "AMD64", "implementation_name": "cpython",
           "platform_python_implementation": "CPython", "platform_release": "",
           "platform_version": ""}


def for_environment(pins: Iterable[Pin], environment: Mapping[str, str] | None = None
                    ) -> dict[str, Pin]:
    """The pins whose marker holds in ``environment`` (default: this interpreter), by name."""
    chosen: dict[str, Pin] = {}
    for pin in pins:
        if pin.applies(environment):
            if pin.name in chosen:
                raise ValueError(f"{pin.name} is pinned twice for one environment")
            chosen[pin.name] = pin
    return chosen


def by_release(pins: Iterable[Pin], platform: Mapping[str, str], python: str
               ) -> dict[str, list[Pin]]:
    """The pins of Python ``python`` ("3.11") on ``platform``, by the first release
    ("3.11.0", "3.11.5" …) that installs them: a lock can split at a patch release
    (``python_full_version < '3.11.5'``), a laptop's 3.11 may be any of them, and a wheel's
    Requires-Python is checked against that release."""
    pins = list(pins)
    seen: set[tuple[str, str]] = set()
    releases: dict[str, list[Pin]] = {}
    for patch in range(0, 30):
        release = f"{python}.{patch}"
        environment = {**platform, "python_version": python, "python_full_version": release,
                       "implementation_version": release}
        for pin in pins:
            if pin.applies(environment) and (pin.name, pin.version) not in seen:
                seen.add((pin.name, pin.version))
                releases.setdefault(release, []).append(pin)
    return releases


def for_python(pins: Iterable[Pin], platform: Mapping[str, str], python: str) -> list[Pin]:
    """Every pin one of the releases of Python ``python`` on ``platform`` may install."""
    return sorted((pin for group in by_release(pins, platform, python).values()
                   for pin in group), key=lambda p: (p.name, p.version))


def installed() -> dict[str, str]:
    """The versions pip installed into this environment's site-packages. Not all of
    ``sys.path``: setuptools puts its vendored copies (``setuptools/_vendor``, with an older
    ``packaging`` among them) there once imported."""
    folders = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    return {canonicalize_name(d.metadata["Name"]): d.version
            for d in metadata.distributions(path=folders) if d.metadata["Name"]}


def drift(lock: Iterable[Pin], versions: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(name, installed version or "missing", locked version) for each pin of this
    environment that the installed ``versions`` do not match."""
    return [(name, versions.get(name, "missing"), pin.version)
            for name, pin in sorted(for_environment(lock).items())
            if versions.get(name) != pin.version]


def audit(lock: Path, pip_audit: str) -> int:
    """pip-audit of every locked version; 1 if an advisory names one. An advisory source
    that answers for none of them is said plainly and is not a failure (exit 0)."""
    total = len({(p.name, p.version) for p in read(lock)})
    for service in ("pypi", "osv"):
        result = subprocess.run(
            [pip_audit, "--disable-pip", "-r", str(lock), "--vulnerability-service", service,
             "--format", "json", "--progress-spinner", "off", "--timeout", "20"],
            capture_output=True, text=True, check=False)
        try:
            dependencies = json.loads(result.stdout)["dependencies"]
        except (ValueError, KeyError, TypeError):
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"pip-audit ({service}): no answer: {last[:300]}")
            continue
        audited = [d for d in dependencies if "skip_reason" not in d]
        if not audited:
            print(f"pip-audit ({service}): the source answered for none of the {total} "
                  "locked versions")
            continue
        found = [d for d in audited if d.get("vulns")]
        for dependency in found:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
                print(f"  {dependency['name']} {dependency['version']}: {vuln['id']} "
                      f"(fixed in: {fixed})")
        print(f"pip-audit ({service}): {len(audited)} of {total} locked versions audited, "
              f"{len(found)} with a known vulnerability")
        return 1 if found else 0
    print(f"pip-audit: NO ADVISORY SOURCE REACHABLE (PyPI's JSON API, OSV): the {total} "
          f"locked versions of {lock} were not audited. Run make test-latest again where "
          "pypi.org/pypi/<name>/json or api.osv.dev answer.")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "drift":
        differences = drift(read(Path(argv[1])), installed())
        for name, have, locked in differences:
            print(f"  {name} {have} ← {locked}")
        print(f"{len(differences)} version(s) differ from {argv[1]}")
        return 1 if differences else 0
    if len(argv) == 3 and argv[0] == "audit":
        return audit(Path(argv[1]), argv[2])
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
