"""The Azure Blob backend beyond the common contract: settings, faults (Azurite stopped and restarted),
damaged blobs, the scheduler's lease, and the CLI on STORAGE=blob. Azurite runs for real."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from azurite import KEY, Azurite, azurite, blob_container, running_azurite  # noqa: F401 (fixtures)
from botcore_helpers import PROFILE, TENANT, FakeParts, MockConnector, activity

from bot.app import create_app
from bot.config import Settings
from bot.services import build_services
from bot.storage.base import DamagedItemError, ETagConflictError, StorageUnavailableError
from bot.storage.blob import BlobStorage, blob_name
from bot.storage.blob_lease import Leadership
from bot.stores import ProfileStore
from cards.i18n import t


def blob_settings(emulator: Azurite, container: str) -> Settings:
    return Settings(storage="blob", azure_storage_connection_string=emulator.connection_string,
                    azure_storage_container=container)


@pytest.fixture
async def storage(azurite: Azurite, blob_container: str) -> AsyncIterator[BlobStorage]:  # noqa: F811
    store = BlobStorage.from_settings(blob_settings(azurite, blob_container))
    yield store
    await store.close()


@pytest.fixture
def own_azurite(tmp_path: Path) -> Iterator[Azurite]:
    """An Azurite of this test alone (the test stops and restarts it)."""
    with running_azurite(tmp_path / "azurite") as emulator:
        yield emulator


def run_cli(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "STORAGE"))}
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**clean, **env}, capture_output=True,
                          text=True, timeout=120)


# --- settings ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("env", "named"), [
    ({"STORAGE": "blob"}, "AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL"),
    ({"STORAGE": "cosmos"}, "STORAGE: Input should be 'tinydb' or 'blob'"),
    ({"STORAGE": "blob", "AZURE_STORAGE_CONNECTION_STRING": "AccountKey=secret-value"},
     "AZURE_STORAGE_CONNECTION_STRING: not an Azure Storage connection string"),
    ({"STORAGE": "blob", "AZURE_STORAGE_ACCOUNT_URL": "http://example.com"},
     "AZURE_STORAGE_ACCOUNT_URL: expected the account's blob endpoint"),
    ({"AZURE_STORAGE_CONTAINER": "Partner_Score"}, "AZURE_STORAGE_CONTAINER: not a blob container name"),
])
def test_a_wrong_or_missing_storage_setting_stops_start_up_with_one_line_naming_it(
        env: dict[str, str], named: str, tmp_path: Path) -> None:
    for command in (["notify"], ["import-profile", "p.json", "--tenant", "t"]):
        result = run_cli(command, DATA_DIR=str(tmp_path), **env)
        assert result.returncode == 2
        problems = result.stderr.splitlines()[1:]
        assert len(problems) == 1 and named in problems[0], result.stderr
        assert "secret-value" not in result.stderr  # the connection string is never echoed


def test_import_profile_stores_into_the_blob_container(azurite: Azurite, blob_container: str,  # noqa: F811
                                                       tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(PROFILE), encoding="utf-8")
    result = run_cli(["import-profile", str(profile), "--tenant", TENANT], STORAGE="blob",
                     AZURE_STORAGE_CONNECTION_STRING=azurite.connection_string,
                     AZURE_STORAGE_CONTAINER=blob_container)
    assert result.returncode == 0, result.stderr
    assert f"blob storage container {blob_container}" in result.stdout.lower()

    async def stored() -> str | None:
        store = BlobStorage.from_settings(blob_settings(azurite, blob_container))
        try:
            found = await ProfileStore(store).get(TENANT)
        finally:
            await store.close()
        return found.partner.name if found else None

    assert asyncio.run(stored()) == "Contoso Ltd"


# --- faults --------------------------------------------------------------------------------------------
async def test_storage_down_is_unavailable_within_bounds_and_data_is_back_after_a_restart(
        own_azurite: Azurite) -> None:
    store = BlobStorage.from_settings(blob_settings(own_azurite, "partner-score"))
    try:
        await store.write({"profiles/t1": {"v": 1}})
        item = (await store.read(["profiles/t1"]))["profiles/t1"]
        own_azurite.stop()
        started = time.monotonic()
        for attempt in (store.read(["profiles/t1"]), store.write({"profiles/t1": dict(item, v=2)}),
                        store.check_health(), store.list_keys("")):
            with pytest.raises(StorageUnavailableError) as down:
                await attempt
            assert "127.0.0.1" not in str(down.value) and "devstoreaccount1" not in str(down.value)
        assert time.monotonic() - started < 60  # bounded retries, not a hang
        own_azurite.start()  # same port, same data folder
        assert (await store.read(["profiles/t1"]))["profiles/t1"]["v"] == 1  # the failed write left nothing
        await store.write({"profiles/t1": dict(item, v=3)})  # its eTag is still the current one
        assert (await store.read(["profiles/t1"]))["profiles/t1"]["v"] == 3
    finally:
        await store.close()


@pytest.fixture
async def blob_client(own_azurite: Azurite, tmp_path: Path) -> AsyncIterator[TestClient]:
    settings = blob_settings(own_azurite, "partner-score").model_copy(update={"data_dir": tmp_path})
    services = build_services(settings)
    app = create_app(services, FakeParts().parts(), scheduler=False)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def test_storage_down_gives_healthz_503_without_details_and_the_user_try_again_in_french(
        blob_client: TestClient, own_azurite: Azurite, connector: MockConnector) -> None:
    healthy = await blob_client.get("/healthz")
    assert healthy.status == 200 and await healthy.json() == {"status": "ok", "storage": "ok"}
    own_azurite.stop()
    down = await blob_client.get("/healthz")
    assert down.status == 503
    body = await down.text()
    assert json.loads(body)["status"] == "unavailable"
    assert not any(detail in body for detail in ("127.0.0.1", "devstoreaccount1", "http", "Traceback"))
    turn = await blob_client.post("/api/messages", json=activity(connector.url, "quel est mon score ?",
                                                                  locale="fr-FR"))
    assert turn.status in (200, 201, 500)
    assert connector.texts() == [t("fr", "storage_damage.unavailable")]
    own_azurite.start()
    assert (await blob_client.get("/healthz")).status == 200


# --- damaged blobs ---------------------------------------------------------------------------------
async def test_a_damaged_blob_is_reported_never_overwritten_and_can_be_quarantined(
        storage: BlobStorage) -> None:
    await storage.write({"profiles/ok": {"v": 1}})
    await storage.ensure_container()
    damaged = storage.blob(blob_name("profiles/bad"))
    await damaged.upload_blob(b'{"key": "profiles/bad", "value": {"trunc', overwrite=True)
    with pytest.raises(DamagedItemError) as read_error:
        await storage.read(["profiles/bad"])
    assert read_error.value.location == blob_name("profiles/bad") and "127.0.0.1" not in str(read_error.value)
    with pytest.raises(DamagedItemError):
        await storage.write({"profiles/bad": {"v": 2, "e_tag": "*"}})  # last-writer-wins: still refused
    assert await (await damaged.download_blob()).readall() == b'{"key": "profiles/bad", "value": {"trunc'
    assert (await storage.read(["profiles/ok"]))["profiles/ok"]["v"] == 1  # other keys unaffected

    found = await storage.scan_damaged()
    assert [(entry.location, entry.keys) for entry in found] == [
        (blob_name("profiles/bad"), ("profiles/bad",))]
    moved_to = await storage.quarantine(found[0])
    assert moved_to == f".bot/quarantine/{blob_name('profiles/bad')}"
    assert await (await storage.blob(moved_to).download_blob()).readall() == (
        b'{"key": "profiles/bad", "value": {"trunc')
    assert await storage.read(["profiles/bad"]) == {}  # the tenant can carry on
    assert await storage.scan_damaged() == []


async def test_a_stale_overwrite_race_is_refused_not_lost(storage: BlobStorage) -> None:
    await storage.write({"k/race": {"v": 0}})
    first = (await storage.read(["k/race"]))["k/race"]
    second = dict(first)
    await storage.write({"k/race": dict(first, v=1)})
    with pytest.raises(ETagConflictError):
        await storage.write({"k/race": dict(second, v=2)})
    assert (await storage.read(["k/race"]))["k/race"]["v"] == 1


# --- the scheduler's lease ----------------------------------------------------------------------------
async def test_one_instance_holds_the_scheduler_lease_and_another_takes_over_when_it_dies(
        azurite: Azurite, blob_container: str) -> None:  # noqa: F811
    stores = [BlobStorage.from_settings(blob_settings(azurite, blob_container)) for _ in range(2)]
    running: list[int] = []

    def work(n: int):
        async def loop() -> None:
            running.append(n)
            await asyncio.Event().wait()  # a scheduler runs until stopped
        return loop

    leaders = [Leadership(store, "notify-scheduler", lease_s=15, retry_s=0.5) for store in stores]
    holds = [asyncio.create_task(leader.hold(work(n))) for n, leader in enumerate(leaders)]
    try:
        await asyncio.sleep(3)
        assert len(running) == 1 and [leader.holding for leader in leaders].count(True) == 1
        holder = running[0]
        holds[holder].cancel()  # the holder dies: no release, its lease runs out
        await asyncio.gather(holds[holder], return_exceptions=True)
        started = time.monotonic()
        while len(running) < 2 and time.monotonic() - started < 25:
            await asyncio.sleep(0.2)
        assert running == [holder, 1 - holder]
        assert 10 < time.monotonic() - started < 25  # not before the dead holder's lease expired
    finally:
        for hold in holds:
            hold.cancel()
        await asyncio.gather(*holds, return_exceptions=True)
        for store in stores:
            await store.close()


# --- a store that answers 503/500 or not at all --------------------------------------------------------
class FaultyAccount:
    """An HTTP endpoint standing in for the storage account: every request gets `status` (or no answer
    for `hang_s`); counts requests to check the retries are bounded."""

    def __init__(self, status: int, hang_s: float = 0.0) -> None:
        self.status, self.hang_s, self.requests = status, hang_s, 0

    async def handle(self, _: web.Request) -> web.Response:
        self.requests += 1
        if self.hang_s:
            await asyncio.sleep(self.hang_s)
        return web.Response(status=self.status, text="<Error><Code>ServerBusy</Code></Error>",
                            headers={"x-ms-error-code": "ServerBusy"})


@pytest.fixture
async def faulty(request: pytest.FixtureRequest) -> AsyncIterator[tuple[FaultyAccount, BlobStorage]]:
    account = FaultyAccount(*request.param)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", account.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    connection = (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={KEY};"
                  f"BlobEndpoint=http://127.0.0.1:{server.port}/devstoreaccount1;")
    store = BlobStorage.from_settings(Settings(storage="blob", azure_storage_connection_string=connection))
    yield account, store
    await store.close()
    await server.close()


@pytest.mark.parametrize("faulty", [(503,), (500,), (200, 30.0)], ids=["503", "500", "no-answer"],
                         indirect=True)
async def test_a_failing_or_silent_store_is_unavailable_after_a_bounded_number_of_tries(
        faulty: tuple[FaultyAccount, BlobStorage]) -> None:
    account, store = faulty
    started = time.monotonic()
    with pytest.raises(StorageUnavailableError) as down:
        await store.read(["profiles/t1"])
    assert account.requests == 3  # the first try and the SDK's two retries
    # Bounded, not hanging: three 5 s read timeouts plus backoff take ~18 s; a loaded machine more.
    assert time.monotonic() - started < 60  # the server would answer after 30 s per request: 90 s
    reason = "timed out" if account.hang_s else f"HTTP {account.status}"
    assert reason in str(down.value) and "127.0.0.1" not in str(down.value)
