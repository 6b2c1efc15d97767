"""The package data pyproject.toml declares exists: a glob that matches nothing ships nothing."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_declared_package_data_pattern_matches_files() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]
    empty = [f"{package}/{pattern}" for package, patterns in declared.items() for pattern in patterns
             if not list((ROOT / package.replace(".", "/")).glob(pattern))]
    assert empty == []
    assert set(declared) == {"scoring", "cards", "bot.imports"}
