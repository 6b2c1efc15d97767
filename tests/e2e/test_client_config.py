"""The local client is pinned and configured as the tests and scripts/run expect (static checks: they run
even where Chromium cannot be installed)."""

from __future__ import annotations

import json

from e2e_harness import PLAYGROUND_CONFIG, ROOT, read_playground_config

PIN = "0.2.28"  # the playground's web UI <-> server API is undocumented: the harness is written for this one


def test_playground_is_pinned_exactly_in_package_json_and_the_lockfile() -> None:
    package = json.loads((ROOT / "package.json").read_text())
    assert package["devDependencies"]["@microsoft/m365agentsplayground"] == PIN
    lock = json.loads((ROOT / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/@microsoft/m365agentsplayground"]
    assert locked["version"] == PIN
    assert locked["integrity"].startswith("sha512-")


def test_mock_teams_context_has_fixed_ids_and_the_five_users_the_playground_requires() -> None:
    config = read_playground_config()
    assert config["version"] == "0.1.1"
    assert config["tenantId"] and config["personalChat"]["id"] and config["bot"]["id"]
    users = [line for line in PLAYGROUND_CONFIG.read_text().splitlines() if line.startswith("  - id: ")]
    assert len(users) == 5  # the playground's schema wants exactly five besides the current user
    ids = [config["personalChat"]["id"], config["groupChat"]["id"], config["team"]["id"]]
    assert len(set(ids)) == len(ids)
