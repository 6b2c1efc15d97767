"""Export then erase then export: everything held for a tenant, and nothing of it afterwards; the
command line does the same, and another tenant's data is never touched."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from backends import both_backends
from botcore_helpers import PROFILE
from trust_helpers import ADA, TENANT, say, section_update_to_review, seed

from bot.services import Services
from bot.trust import Person, save_profile
from bot.trust.tenant_data import TenantData
from scoring import load_profile, score_profile

OTHER = "0a1b2c3d-0000-4000-8000-000000000002"
CHANNEL = "19:general@thread.tacv2"
ROOT = Path(__file__).resolve().parents[3]
EMPTY = {"tenant": TENANT, "profile": None, "profile_updated": None, "preferences": {"areas": None},
         "owners": [], "versions": [], "score_history": {}, "score_snapshots": [], "conversations": []}


async def populate(client: Any, connector: Any, services: Services) -> None:
    """A tenant with everything: versions, owners, score history, areas, conversations, a draft."""
    await seed(services)
    await services.history.put(TENANT, "2026-10", score_profile(load_profile(PROFILE)))
    await say(client, connector, ADA, "stop notifications", conversation="a:ada-personal")
    await section_update_to_review(client, connector, ADA, "19:team@thread.v2", "Carl: AZ-104")  # a draft
    await say(client, connector, ADA, "what is my score?", conversation=f"{CHANNEL};messageid=42")  # a thread
    await save_profile(services, OTHER, load_profile(PROFILE), editor=Person("someone-else", "Zoe"),
                       via="intake")


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "exported_at"}


@both_backends  # export and erase list and delete by key prefix
async def test_export_then_erase_then_export_is_empty_and_other_tenants_keep_their_data(
        client: Any, connector: Any, services: Services) -> None:
    await populate(client, connector, services)
    data = TenantData(services.storage, services.clock)
    exported = await data.export(TENANT)
    assert [p["name"] for p in exported["profile"]["people"]] == ["Ada", "Grace"]
    assert [(v["number"], v["by_name"], [p["name"] for p in v["profile"]["people"]])
            for v in exported["versions"]] == [(1, "Ada Lovelace", ["Ada"]),
                                               (2, "Ada Lovelace", ["Ada", "Grace"])]
    assert [o["name"] for o in exported["owners"]] == ["Ada Lovelace"]
    assert list(exported["score_history"]) == ["2026-10"]
    # The score snapshots: the two saves and the month (bot/history.py) go out and are erased too.
    assert sorted(s["kind"] for s in exported["score_snapshots"]) == ["change", "change", "monthly"]
    conversations = {c["conversation_id"]: c for c in exported["conversations"]}
    assert set(conversations) == {"a:ada-personal", "19:team@thread.v2", CHANNEL}
    thread_state = f"msteams/conversations/{CHANNEL};messageid=42"
    assert list(conversations[CHANNEL]["state"]) == [thread_state]
    assert conversations["a:ada-personal"]["notifications"]["subscribed"] is False
    assert "Carl" in json.dumps(conversations["19:team@thread.v2"]["state"])  # the intake draft
    assert list(conversations["19:team@thread.v2"]["state"]) == ["msteams/conversations/19:team@thread.v2"]
    json.dumps(exported)  # one JSON document

    counts = await data.erase(TENANT)
    assert counts == {"profile": 1, "versions": 2, "score_history_months": 1, "conversations": 3}
    assert await services.storage.read([thread_state]) == {}
    assert without_time(await data.export(TENANT)) == EMPTY
    assert await services.profiles.get(TENANT) is None
    other = await data.export(OTHER)
    assert other["profile"] is not None and [o["name"] for o in other["owners"]] == ["Zoe"]
    # The bot keeps working for the erased tenant: the next save is the first again.
    assert await say(client, connector, ADA, "history of changes", conversation="a:ada-personal") == [
        "No change to your organisation's data has been saved yet."]


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATA_DIR": str(data_dir)}
    for name in ("PORT", "MicrosoftAppId", "MicrosoftAppPassword", "STORAGE"):
        environment.pop(name, None)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=120)


async def test_the_command_line_exports_erases_only_with_yes_and_exports_nothing_after(
        client: Any, connector: Any, services: Services) -> None:
    await populate(client, connector, services)
    data_dir = services.settings.data_dir
    first = await asyncio.to_thread(run, ["export-tenant", "--tenant", TENANT], data_dir)
    assert first.returncode == 0, first.stderr
    document = json.loads(first.stdout)
    assert len(document["versions"]) == 2 and len(document["conversations"]) == 3

    refused = await asyncio.to_thread(run, ["erase-tenant", "--tenant", TENANT], data_dir)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"error: erasing tenant {TENANT} cannot be undone; run `python -m bot export-tenant --tenant "
        f"{TENANT}` first if the data is wanted, then add --yes\n")
    kept = await asyncio.to_thread(run, ["export-tenant", "--tenant", TENANT], data_dir)
    assert json.loads(kept.stdout)["versions"] == document["versions"]

    erased = await asyncio.to_thread(run, ["erase-tenant", "--tenant", TENANT, "--yes"], data_dir)
    assert erased.returncode == 0, erased.stderr
    assert erased.stdout == (f"erased tenant {TENANT}: profile 1, versions 2, score history months 1, "
                             "conversations 3\n")
    after = await asyncio.to_thread(run, ["export-tenant", "--tenant", TENANT], data_dir)
    assert without_time(json.loads(after.stdout)) == EMPTY
    bad = await asyncio.to_thread(run, ["export-tenant", "--tenant", "../etc"], data_dir)
    assert bad.returncode == 2 and "is not a tenant id" in bad.stderr


@both_backends  # export and erase list and delete by key prefix
async def test_new_conversations_of_a_tenant_at_once_each_keep_one_small_item_and_all_are_exported(
        client: Any, connector: Any, services: Services) -> None:
    from bot.storage.base import iter_keys
    from bot.trust.tenant_data import conversations_prefix, registry_key

    await seed(services)
    conversations = [f"a:at-once-{n:02d}" for n in range(12)]
    await asyncio.gather(*(say(client, connector, ADA, "what is my score?", conversation=c)
                           for c in conversations))
    kept = [key async for key in iter_keys(services.storage, conversations_prefix(TENANT))]
    items = sorted(({k: v for k, v in item.items() if k != "e_tag"}
                    for item in (await services.storage.read(kept)).values()),
                   key=lambda item: item["conversation_id"])
    assert items == [{"state_key": f"msteams/conversations/{c}", "conversation_id": c} for c in conversations]
    # No tenant-wide document is rewritten per new conversation (they would contend on its eTag).
    assert await services.storage.read([registry_key(TENANT)]) == {}
    exported = await TenantData(services.storage, services.clock).export(TENANT)
    assert sorted(c["conversation_id"] for c in exported["conversations"]) == conversations
