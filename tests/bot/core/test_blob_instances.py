"""Several service instances on one blob store: two real `python -m bot` processes (STORAGE=blob) on one
Azurite, replies captured by a mock Bot Connector. A conversation alternating between instances
(intake included), three notify runs at once, kill -9 of an instance mid-turn, Azurite stopped and
restarted while both instances run."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from azurite import Azurite, free_port, running_azurite
from botcore_helpers import PROFILE, TENANT, MockConnector, activity

from bot.config import Settings
from bot.notifications.store import NotifyStore
from bot.storage.blob import BlobStorage
from bot.stores import ProfileStore
from cards.i18n import t
from scoring import load_profile

CONTAINER = "partner-score"
CARD = "application/vnd.microsoft.card.adaptive"


def _env(emulator: Azurite, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "STORAGE", "NOTIFY_"))}
    return {**clean, "STORAGE": "blob", "AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string,
            "AZURE_STORAGE_CONTAINER": CONTAINER, "HOST": "127.0.0.1", "LOG_LEVEL": "INFO",
            # The current month is due, so `notify` without --month has work.
            "NOTIFY_DAY": "1", "NOTIFY_TIME": "00:00", **extra}


class Instance:
    """One `python -m bot` service process."""

    def __init__(self, name: str, emulator: Azurite, logs: Path) -> None:
        self.name, self.port = name, free_port()
        self.log = logs / f"{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"], env=_env(emulator, PORT=str(self.port)),
            stdout=self.log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def wait_healthy(self, session: aiohttp.ClientSession, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-2000:]
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{self.url}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} not healthy in {timeout_s} s: "
                             f"{self.log.read_text(errors='replace')[-2000:]}")

    def kill9(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()


class Cluster:
    def __init__(self, emulator: Azurite, instances: list[Instance], session: aiohttp.ClientSession,
                 connector: MockConnector) -> None:
        self.azurite, self.instances, self.session, self.connector = emulator, instances, session, connector

    async def post(self, instance: Instance, body: dict[str, Any]) -> int:
        async with self.session.post(f"{instance.url}/api/messages", json=body) as response:
            await response.read()
            return response.status

    def storage(self) -> BlobStorage:
        return BlobStorage.from_settings(Settings(
            storage="blob", azure_storage_connection_string=self.azurite.connection_string,
            azure_storage_container=CONTAINER))

    def cards(self) -> list[dict[str, Any]]:
        return [a["content"] for sent in self.connector.activities for a in sent.get("attachments") or []
                if a.get("contentType") == CARD]


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Azurite]:
    with running_azurite(tmp_path / "azurite") as running:
        yield running


@pytest.fixture
async def cluster(emulator: Azurite, connector: MockConnector, tmp_path: Path) -> AsyncIterator[Cluster]:
    instances = [Instance(name, emulator, tmp_path) for name in ("a", "b")]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        try:
            for instance in instances:
                await instance.wait_healthy(session)
            yield Cluster(emulator, instances, session, connector)
        finally:
            for instance in instances:
                instance.stop()


def _intake_meta(card: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(card)
    start = text.index('"intake": {') + len('"intake": ')
    meta, _ = json.JSONDecoder().raw_decode(text[start:])
    return meta


async def test_a_conversation_alternating_between_instances_keeps_its_intake(cluster: Cluster) -> None:
    a, b = cluster.instances
    store = cluster.storage()
    try:
        await ProfileStore(store).put(TENANT, load_profile(PROFILE))
    finally:
        await store.close()
    url = cluster.connector.url
    assert await cluster.post(a, activity(url, "update people", conversation="conv-alt")) == 201
    meta = _intake_meta(cluster.cards()[-1])
    assert meta["step"] == "people"
    for n, instance in enumerate((b, a, b)):  # each card submit lands on the other instance
        value = {"intake": {**meta, "nav": "bulk"}, "bulk": f"Person{n}: AZ-104"}
        assert await cluster.post(instance, activity(url, None, conversation="conv-alt", value=value)) == 201
        shown = json.dumps(cluster.cards()[-1])
        assert all(f"Person{m}" in shown for m in range(n + 1)), shown  # earlier turns' people kept
        meta = _intake_meta(cluster.cards()[-1])
    cluster.connector.calls.clear()
    assert await cluster.post(a, activity(url, "what is my score?", conversation="conv-alt")) == 201
    assert cluster.connector.activities and t("en", "service.error_generic") not in cluster.connector.texts()


async def test_three_notify_runs_at_once_send_each_conversation_exactly_once(cluster: Cluster) -> None:
    url = cluster.connector.url
    store = cluster.storage()
    try:
        await ProfileStore(store).put(TENANT, load_profile(PROFILE))
    finally:
        await store.close()
    conversations = [f"a:notify-{n:02d}" for n in range(24)]
    statuses = await asyncio.gather(*(
        cluster.post(cluster.instances[n % 2], activity(url, None, type="installationUpdate", action="add",
                                                        conversation=conversation))
        for n, conversation in enumerate(conversations)))
    assert set(statuses) <= {200, 201}
    cluster.connector.calls.clear()
    runs = [await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "notify",
                                                 env=_env(cluster.azurite), stdout=asyncio.subprocess.PIPE,
                                                 stderr=asyncio.subprocess.PIPE) for _ in range(3)]
    try:
        # All three read at once: a run whose log pipe nobody reads blocks on its next log line,
        # holding its claims, while the others wait for them (the cause of this test's old hang).
        # Bounded so that a stranded claim fails here rather than hanging CI for a lease.
        outputs = await asyncio.wait_for(asyncio.gather(*(run.communicate() for run in runs)), timeout=120)
    finally:
        for run in runs:
            if run.returncode is None:
                run.kill()
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    per_conversation = collections.Counter(
        urllib.parse.unquote(call.path.split("/")[3]) for call in cluster.connector.calls
        if call.method == "POST" and "/v3/conversations/" in call.path)
    assert per_conversation == dict.fromkeys(conversations, 1), [
        (out.decode()[-600:], err.decode()[-3000:]) for out, err in outputs]
    sent = sum(int(out.decode().split("sent ")[1].split(",")[0]) for out, _err in outputs)
    assert sent == len(conversations)


async def test_the_monthly_scheduler_runs_on_one_instance_only(cluster: Cluster) -> None:
    taken = "lease notify-scheduler taken"
    deadline = time.monotonic() + 20
    while not any(taken in i.log.read_text(errors="replace") for i in cluster.instances):
        assert time.monotonic() < deadline, "no instance took the scheduler's lease"
        await asyncio.sleep(0.2)
    await asyncio.sleep(2)  # the other instance has tried by now (it tries at start)
    holders = [i.name for i in cluster.instances if taken in i.log.read_text(errors="replace")]
    assert len(holders) == 1, holders


async def test_kill_9_of_an_instance_mid_turn_loses_no_acknowledged_write(cluster: Cluster) -> None:
    a, b = cluster.instances
    url = cluster.connector.url
    conversations = [f"a:kill-{n:03d}" for n in range(150)]
    acknowledged: list[str] = []

    async def install(conversation: str) -> None:
        with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
            status = await cluster.post(a, activity(url, None, type="installationUpdate", action="add",
                                                    conversation=conversation))
            if status in (200, 201):
                acknowledged.append(conversation)

    async def killer() -> None:
        while len(acknowledged) < 10:
            await asyncio.sleep(0.01)
        a.kill9()

    await asyncio.gather(killer(), *(install(c) for c in conversations))
    assert 10 <= len(acknowledged) < len(conversations)  # killed mid-way, turns in flight
    store = cluster.storage()
    try:
        records = await NotifyStore(store).read_many([(TENANT, c) for c in acknowledged])
        assert sorted(key[1] for key, record in records.items() if record.installed) == sorted(acknowledged)
    finally:
        await store.close()
    # The other instance serves what was left, including conversations A was writing when it died.
    rest = [c for c in conversations if c not in acknowledged]
    statuses = await asyncio.gather(*(cluster.post(b, activity(url, None, type="installationUpdate",
                                                               action="add", conversation=c)) for c in rest))
    assert set(statuses) <= {200, 201}


async def test_azurite_stopped_and_restarted_while_both_instances_run(cluster: Cluster) -> None:
    a, b = cluster.instances
    url = cluster.connector.url
    cluster.azurite.stop()
    for instance in (a, b):
        async with cluster.session.get(f"{instance.url}/healthz") as response:
            assert response.status == 503
    cluster.connector.calls.clear()
    await cluster.post(b, activity(url, "quel est mon score ?", conversation="conv-down", locale="fr-FR"))
    assert cluster.connector.texts() == [t("fr", "storage_damage.unavailable")]
    cluster.azurite.start()
    for instance in (a, b):
        await instance.wait_healthy(cluster.session, timeout_s=30)
    cluster.connector.calls.clear()
    assert await cluster.post(a, activity(url, "quel est mon score ?", conversation="conv-down",
                                          locale="fr-FR")) == 201
    texts = cluster.connector.texts()
    assert texts and t("fr", "storage_damage.unavailable") not in texts
