"""`python -m bot import-profile` and start-up settings errors, run as real subprocesses."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from botcore_helpers import PROFILE, TENANT

from bot.storage.tinydb_storage import TinyDBStorage
from bot.stores import ProfileStore

ROOT = Path(__file__).resolve().parents[3]


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATA_DIR": str(data_dir), **env}
    for name in ("PORT", "MicrosoftAppId", "MicrosoftAppPassword", "NOTIFY_TIME"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=120)


def stored(data_dir: Path, tenant: str = TENANT):
    async def read():
        storage = TinyDBStorage(data_dir)
        try:
            return await ProfileStore(storage).get(tenant)
        finally:
            await storage.close()

    return asyncio.run(read())


def write(tmp_path: Path, data: object, name: str = "profile.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_import_profile_stores_a_valid_profile(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    result = run(["import-profile", str(write(tmp_path, PROFILE)), "--tenant", TENANT], data_dir)
    assert result.returncode == 0, result.stderr
    assert "Contoso Ltd" in result.stdout and TENANT in result.stdout
    profile = stored(data_dir)
    assert profile is not None and profile.partner.name == "Contoso Ltd"


def test_an_invalid_profile_is_refused_with_the_scoring_error_and_nothing_changes(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = run(["import-profile", str(write(tmp_path, PROFILE)), "--tenant", TENANT], data_dir)
    assert first.returncode == 0
    before = sorted(p.read_bytes() for p in data_dir.glob("*.json"))
    bad = json.loads(json.dumps(PROFILE))
    bad["people"][0]["certifications"].append("AZ-999")
    bad["usage"]["acr_last_month"] = -5
    result = run(["import-profile", str(write(tmp_path, bad, "bad.json")), "--tenant", TENANT], data_dir)
    assert result.returncode == 2
    assert "people[0].certifications[2]" in result.stderr and "AZ-999" in result.stderr
    assert "acr_last_month" in result.stderr and "nothing was stored" in result.stderr
    assert sorted(p.read_bytes() for p in data_dir.glob("*.json")) == before  # the old profile is intact
    assert stored(data_dir).people[0].certifications  # and still readable


def test_unreadable_inputs_exit_2_with_a_clear_message(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    cases = {
        "no such file": ["import-profile", str(tmp_path / "missing.json"), "--tenant", TENANT],
        "not valid JSON": ["import-profile", str(write(tmp_path, "{oops", "broken.json")),
                           "--tenant", TENANT],
        "is not a tenant id": ["import-profile", str(write(tmp_path, PROFILE)), "--tenant", "../etc"],
    }
    for expected, args in cases.items():
        result = run(args, data_dir)
        assert result.returncode == 2, (expected, result)
        assert expected in result.stderr and "Traceback" not in result.stderr
    assert not list(data_dir.glob("profiles*.json"))


def test_invalid_settings_stop_start_up_with_one_line_per_variable(tmp_path: Path) -> None:
    result = run(["import-profile", "x.json", "--tenant", TENANT], tmp_path, PORT="eighty",
                 NOTIFY_TIME="25:99", MicrosoftAppId="abc")
    assert result.returncode == 2
    assert "PORT:" in result.stderr and "NOTIFY_TIME: expected HH:MM" in result.stderr
    assert "Traceback" not in result.stderr
    missing_password = run(["notify"], tmp_path, MicrosoftAppId="abc")
    assert missing_password.returncode == 2
    assert "MicrosoftAppPassword is empty" in missing_password.stderr


def test_notify_rejects_a_bad_month(tmp_path: Path) -> None:
    result = run(["notify", "--month", "2026-13"], tmp_path / "data")
    assert result.returncode == 2 and "YYYY-MM" in result.stderr


def test_notify_runs_the_monthly_job_once(tmp_path: Path) -> None:
    result = run(["notify", "--month", "2026-10"], tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "2026-10" in result.stdout


def test_notify_refuses_a_month_not_due_yet_with_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = run(["notify", "--month", "2099-01"], tmp_path / "data")
    assert result.returncode == 2
    assert "2099-01 is not due until" in result.stderr and "latest due month" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_profile_on_a_damaged_store_prints_one_line_exits_2_and_keeps_the_file(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    from bot.storage.tinydb_storage import TinyDBStorage

    stored_file = data_dir / "items" / "profiles" / f"{TENANT}.json"
    TinyDBStorage(data_dir).close_sync()
    stored_file.parent.mkdir(parents=True)
    stored_file.write_bytes(b"{")
    result = run(["import-profile", str(write(tmp_path, PROFILE)), "--tenant", TENANT], data_dir)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: the profile was not stored: the stored item 'profiles/{TENANT}' is damaged (not valid JSON "
        "(JSONDecodeError at byte 1 of 1)); run `python -m bot check-storage` to list and quarantine damaged "
        "items"]
    assert stored_file.read_bytes() == b"{"
