"""The Teams app package passes Microsoft's own manifest check: `atk validate --manifest-file` of the
Microsoft 365 Agents Toolkit CLI (npm `@microsoft/m365agentstoolkit-cli`, pinned in package.json),
which checks the manifest and its localization files against the schema of their `$schema`, offline.

The CLI runs in a private network namespace with no interface up (`unshare --net`) and with telemetry
off, so it cannot call home: the check needs no network."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from deploy.teams_package import PackageSettings, build_package

ROOT = Path(__file__).resolve().parents[2]
ATK = ROOT / "node_modules" / ".bin" / "atk"
BOT_ID = "0b9e6a3c-7d41-4f2a-9c55-3e8d1f6a2b70"
PUBLISHER_PAGES = {"publisher_website": "https://contoso.com/psa", "privacy_url": "https://contoso.com/psa/privacy",
                   "terms_url": "https://contoso.com/psa/terms"}
NO_TELEMETRY = ("--telemetry", "false")


def _unavailable() -> str | None:
    if not ATK.exists():
        return f"the Agents Toolkit CLI is not installed ({ATK}); `scripts/e2e-setup` runs `npm ci`"
    if shutil.which("unshare") is None:
        return "`unshare` (util-linux) is missing: the CLI runs in a private network namespace"
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"cannot create a network namespace for the CLI: {probe.stderr.strip()}"
    return None


WHY_NOT = _unavailable()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=f"cannot run `atk validate`: {WHY_NOT}")


def atk_validate(manifest: Path, home: Path) -> subprocess.CompletedProcess[str]:
    home.mkdir(exist_ok=True)
    return subprocess.run(
        ["unshare", "--net", "--", str(ATK), "validate", "--manifest-file", str(manifest), *NO_TELEMETRY],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=manifest.parent,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home), "CI": "true", "NO_COLOR": "1"},
    )


@pytest.fixture
def package_dir(tmp_path: Path) -> Path:
    """The app package as `python -m deploy.teams_package` writes it, unzipped."""
    settings = PackageSettings(bot_id=BOT_ID, bot_domain="psa.azurewebsites.net", **PUBLISHER_PAGES)
    package = build_package(settings, tmp_path / "app.zip")
    folder = tmp_path / "package"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    return folder


def test_the_manifest_and_its_localizations_pass_atk_validate(package_dir: Path, tmp_path: Path) -> None:
    result = atk_validate(package_dir / "manifest.json", tmp_path / "home")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "All passed" in output


def test_atk_validate_refuses_a_localized_name_teams_would_cut(package_dir: Path, tmp_path: Path) -> None:
    german = package_dir / "de.json"
    strings = json.loads(german.read_text("utf-8"))
    strings["name.short"] = "Partnerbewertungsassistent für Azure"  # 36 characters; at most 30
    german.write_text(json.dumps(strings, ensure_ascii=False), encoding="utf-8")
    result = atk_validate(package_dir / "manifest.json", tmp_path / "home")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "/name.short must NOT have more than 30 characters" in output
