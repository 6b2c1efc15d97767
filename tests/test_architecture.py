"""The layering of ARCHITECTURE.md: imports point one way, bot -> cards -> scoring.

`scoring` and `cards` are plain Python over pydantic models and dicts: no Bot Framework, HTTP server or
storage import may creep into them, and `scoring` knows nothing of how it is shown.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Top-level modules each package must never import (directly or as a submodule).
FORBIDDEN = {
    "scoring": {"cards", "bot", "botbuilder", "botframework", "aiohttp", "tinydb", "msrest", "requests"},
    "cards": {"bot", "botbuilder", "botframework", "aiohttp", "tinydb", "msrest", "requests"},
}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_never_import_upper_layers_or_infrastructure(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    offenders = {path: names for path, names in offenders.items() if names}
    assert not offenders, f"{package} must stay pure; these modules import upper layers: {offenders}"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import json\nfrom botbuilder.core import TurnContext\n", encoding="utf-8")
    assert _imported_roots(module) == {"json", "botbuilder"}


def test_the_notification_scheduler_stands_above_the_job() -> None:
    folder = ROOT / "bot" / "notifications"

    def imports(name: str) -> set[str]:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}

    assert "bot.notifications.job" in imports("schedule")
    assert "bot.notifications.schedule" not in imports("job")
    assert "bot.notifications.schedule" not in imports("months")
