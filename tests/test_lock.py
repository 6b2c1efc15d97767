"""requirements/*.lock agree with pyproject.toml: a dependency added, removed or narrowed there without
running scripts/lock fails here (scripts/setup installs only what the locks name)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RELOCK = "pyproject.toml and the lock disagree: run scripts/lock and commit requirements/"
# How uv marks a package pyproject.toml asks for itself ("# via partner-score-assistant (pyproject.toml)").
FROM_PYPROJECT = f"{PROJECT['project']['name']} (pyproject.toml)"


@dataclass(frozen=True)
class Pin:
    name: str
    version: Version
    hashes: int
    via: tuple[str, ...]


def _pins(lock: str) -> list[Pin]:
    """The pins of a lock uv wrote: `name==version [; marker] \\`, its `--hash` lines, its `# via` lines."""
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    pins: list[Pin] = []
    for entry in re.split(r"^(?=[A-Za-z0-9])", text, flags=re.MULTILINE):
        head = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", entry)
        if head is None:
            continue
        _, _, via = entry.partition("# via")
        sources = tuple(line.strip().lstrip("#").strip() for line in via.splitlines())
        pins.append(Pin(canonicalize_name(head[1]), Version(head[2]), entry.count("--hash=sha256:"),
                        tuple(source for source in sources if source)))
    return pins


def _requirements(*groups: str) -> list[Requirement]:
    texts: list[str] = []
    for group in groups:
        if group == "build":
            texts += PROJECT["build-system"]["requires"]
        elif group == "runtime":
            texts += PROJECT["project"]["dependencies"]
        else:
            texts += PROJECT["project"]["optional-dependencies"][group]
    return [Requirement(text) for text in texts]


# Each lock and the groups of pyproject.toml's requirements it pins.
LOCKS = {
    "test.lock": ("runtime", "test", "build"),
    "runtime.lock": ("runtime", "build"),
    "build.lock": ("build",),
}


@pytest.mark.parametrize(("lock", "groups"), LOCKS.items())
def test_every_requirement_of_pyproject_is_pinned_in_the_lock_within_its_range(
        lock: str, groups: tuple[str, ...]) -> None:
    pins = _pins(lock)
    wrong = {}
    for requirement in _requirements(*groups):
        versions = [pin.version for pin in pins if pin.name == canonicalize_name(requirement.name)]
        if not versions or not all(requirement.specifier.contains(v, prereleases=True) for v in versions):
            wrong[str(requirement)] = [str(v) for v in versions]
    assert wrong == {}, RELOCK


@pytest.mark.parametrize(("lock", "groups"),
                         [("test.lock", ("runtime", "test")), ("runtime.lock", ("runtime",))])
def test_the_lock_names_as_from_pyproject_exactly_its_dependencies(
        lock: str, groups: tuple[str, ...]) -> None:
    # A dependency removed from pyproject.toml stays in the lock, still "via" the project, until relocked.
    # (The build requirements reach uv on its standard input: they carry no "via".)
    declared = {canonicalize_name(requirement.name) for requirement in _requirements(*groups)}
    assert {pin.name for pin in _pins(lock) if FROM_PYPROJECT in pin.via} == declared, RELOCK


def test_runtime_and_build_locks_pin_the_versions_of_the_test_lock() -> None:
    tested = {(pin.name, pin.version) for pin in _pins("test.lock")}
    others = {(pin.name, pin.version) for lock in ("runtime.lock", "build.lock") for pin in _pins(lock)
              if pin.name != "pip"}
    assert others - tested == set(), RELOCK


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_carries_the_hashes_of_its_files(lock: str) -> None:
    pins = _pins(lock)
    assert len(pins) >= len({r.name for group in LOCKS[lock] for r in _requirements(group)})
    assert [pin.name for pin in pins if pin.hashes == 0] == []


def test_the_image_builds_from_the_runtime_lock_alone() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    for step in (
        "pip install --require-hashes -r requirements/build.lock",
        "pip wheel --require-hashes --no-build-isolation --wheel-dir /wheels -r requirements/runtime.lock",
        "pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .",
        "pip install --no-index --find-links=/wheels partner-score-assistant",
    ):
        assert step in dockerfile
    context = (ROOT / "deploy" / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    assert {"!requirements/build.lock", "!requirements/runtime.lock"} <= set(context)
