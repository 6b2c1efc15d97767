"""What the service loads when it starts, checked in fresh interpreters (this test process has
imported everything already)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Loaded by the turns that need them, not by start-up (bench/bench_store_scale.py: start-up time).
DEFERRED = ("pyarrow", "botbuilder.dialogs", "bot.intake.dialog", "bot.imports.preview", "azure.storage.blob")


def fresh_python(code: str, tmp_path: Path) -> dict:
    environment = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "STORAGE": "tinydb"}
    for name in ("PORT", "MicrosoftAppId", "MicrosoftAppPassword", "AZURE_STORAGE_CONNECTION_STRING",
                 "AZURE_STORAGE_ACCOUNT_URL"):
        environment.pop(name, None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_service_is_built_without_what_only_some_turns_need_and_its_objects_frozen(
        tmp_path: Path) -> None:
    found = fresh_python(
        "import gc, json, sys\n"
        "from bot.__main__ import build_app\n"
        "from bot.config import load_settings\n"
        "app = build_app(load_settings())\n"
        f"print(json.dumps({{'loaded': [m for m in {DEFERRED!r} if m in sys.modules],\n"
        "                   'frozen': gc.get_freeze_count(), 'collecting': gc.isenabled()}))\n",
        tmp_path)
    assert found["loaded"] == []
    assert found["frozen"] > 50_000  # the start-up objects, out of the collector's full passes
    assert found["collecting"] is True


def test_a_stored_dialog_stack_read_by_a_fresh_process_is_a_dialog_state_again(tmp_path: Path) -> None:
    found = fresh_python(
        "import json, sys\n"
        "from bot.storage import codec\n"
        "before = 'botbuilder.dialogs' in sys.modules\n"
        "stored = {'IntakeDialogState': {'$dialog_stack': [{'id': 'intake', 'state': {'step': 'people'}}]}}\n"
        "item = codec.decode(stored, 'etag-1')\n"
        "state = item['IntakeDialogState']\n"
        "print(json.dumps({'before': before, 'type': type(state).__name__,\n"
        "                  'stack': [(i.id, i.state) for i in state.dialog_stack],\n"
        "                  'written': codec.encode(item)}))\n",
        tmp_path)
    assert found["before"] is False
    assert found["type"] == "DialogState"
    assert found["stack"] == [["intake", {"step": "people"}]]
    assert found["written"] == {"IntakeDialogState": {"$dialog_stack": [{"id": "intake",
                                                                          "state": {"step": "people"}}]}}


def test_an_empty_stored_dialog_stack_is_read_as_no_dialog_state_without_loading_the_dialogs(
        tmp_path: Path) -> None:
    found = fresh_python(
        "import json, sys\n"
        "from bot.storage import codec\n"
        "item = codec.decode({'tenant_id': 't1', 'IntakeDialogState': {'$dialog_stack': []}}, 'etag-1')\n"
        "print(json.dumps({'item': item, 'loaded': 'botbuilder.dialogs' in sys.modules}))\n",
        tmp_path)
    assert found == {"item": {"tenant_id": "t1", "e_tag": "etag-1"}, "loaded": False}
