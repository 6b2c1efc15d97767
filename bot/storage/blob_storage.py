"""`BlobStorage`: the botbuilder `Storage` over Azure Blob Storage (`STORAGE=blob`), for several instances.

One blob per item, named after its key (`blob_name`). The blob's own ETag is the item's `e_tag`, and
every write is conditional on it, so the store refuses a stale write exactly like `TinyDBStorage`
(the contract is in tinydb_storage.py; tests/bot/core/test_storage_contract.py runs it on both):
- an `e_tag` read earlier: written only if the blob still has it (If-Match), else `ETagConflictError`;
- `e_tag` missing/None or `"*"`: written whatever is stored (botbuilder's last-writer-wins);
- `CREATE_ONLY`: written only if no item has the key (If-None-Match: *), else `ETagConflictError`.
A batch of several items is checked first (every conditional item's current ETag) and written only
if all match; a writer slipping in between the check and the writes still gets its own item
refused, but items of the batch written before that stay written (blobs have no multi-blob
transaction; a turn writes one item per state object, so this only concerns hand-made batches).

Faults: the SDK retries a bounded number of times (`_RETRY`) with short timeouts; what still fails
(5xx, throttling, timeouts, unreachable, refused credentials) raises `StorageUnavailableError`
without URLs or account names. Each upload is atomic (a single Put Blob, or a block list committed
under the same condition), so a failed write leaves the previous version whole.

Internal blobs (health probe, leases) live under `.bot/`: a key's blob name never starts with `.`
(see `blob_name`), so they never collide with items and listing skips them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import urllib.parse
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from azure.core import MatchConditions
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.storage.blob import ContentSettings, ExponentialRetry
from azure.storage.blob.aio import BlobServiceClient, ContainerClient
from botbuilder.core import Storage

from bot.storage.faults import StorageUnavailableError
from bot.storage.tinydb_storage import ETagConflictError, _decode, _encode, _etag_of, _set_etag

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

CREATE_ONLY = "!absent"  # e_tag of a write that must create the item (refused if the key exists)
SYSTEM_PREFIX = ".bot/"  # internal blobs: never an item's name (names of items never start with ".")
HEALTH_BLOB = ".bot/healthz"
MAX_NAME = 1024  # Azure's limit on a blob name
_JSON = ContentSettings(content_type="application/json; charset=utf-8")
# Bounded: two retries after 0.5 s and ~2.5 s; with the timeouts below a turn gives up within ~20 s,
# before Teams' own 15 s invoke deadline would be far behind. Retries cover 408/429/500/503/504
# and connection errors (the SDK's policy), never 412.
_RETRY = ExponentialRetry(initial_backoff=0.5, increment_base=2, retry_total=2)
_CLIENT_OPTIONS: dict[str, Any] = {"retry_policy": _RETRY, "connection_timeout": 3, "read_timeout": 5}
_PARALLEL = 16  # blob requests of one batch in flight at once


def blob_name(key: str) -> str:
    """The blob holding `key`: percent-encoded except letters, digits, `-_~/`; `.` is encoded too, so
    no name holds a `..` segment or ends with a dot, and no item name starts with `.` (the internal
    prefix). Character by character, so a key prefix maps to a blob-name prefix (listing)."""
    name = urllib.parse.quote(key, safe="/-_~").replace(".", "%2E")
    if not key or len(name) > MAX_NAME:
        raise ValueError(f"storage keys are non-empty and at most {MAX_NAME} characters once encoded, "
                         f"got {key[:80]!r}")
    return name


def key_of(name: str) -> str:
    return urllib.parse.unquote(name)


def _unavailable(error: BaseException, doing: str) -> StorageUnavailableError:
    """A short reason without URLs or account names (those are in the debug log)."""
    if isinstance(error, HttpResponseError) and error.status_code:
        code = getattr(error, "error_code", None) or (error.reason or "")
        reason = f"HTTP {error.status_code} {code}".strip()
    elif isinstance(error, ClientAuthenticationError):
        reason = "credentials refused"
    elif isinstance(error, TimeoutError | asyncio.TimeoutError):
        reason = "timed out"
    else:
        reason = "unreachable"
    log.debug("blob storage %s failed: %r", doing, error)
    return StorageUnavailableError(f"blob storage {doing} failed: {reason}")


@contextlib.contextmanager
def _faults(doing: str) -> Iterator[None]:
    """SDK errors other than the ones a caller handles (412, 404, 409) become StorageUnavailableError."""
    try:
        yield
    except (ResourceModifiedError, ResourceNotFoundError, ResourceExistsError):
        raise
    except (AzureError, TimeoutError, OSError) as error:
        raise _unavailable(error, doing) from error


class BlobStorage(Storage):
    """Items as JSON blobs `{"key", "codec", "value"}` in one container; see the module docstring."""

    def __init__(self, container: ContainerClient, *, service: BlobServiceClient | None = None,
                 credential: Any = None) -> None:
        super().__init__()
        self.container = container
        self._service = service
        self._credential = credential
        self._container_ready = False
        self._gate = asyncio.Semaphore(_PARALLEL)

    @classmethod
    def from_settings(cls, settings: Settings) -> BlobStorage:
        """The container named by AZURE_STORAGE_CONTAINER, reached with the connection string or with
        the managed identity (DefaultAzureCredential) at AZURE_STORAGE_ACCOUNT_URL. No I/O here."""
        name = settings.azure_storage_container
        if settings.azure_storage_connection_string:
            service = BlobServiceClient.from_connection_string(settings.azure_storage_connection_string,
                                                               **_CLIENT_OPTIONS)
            return cls(service.get_container_client(name), service=service)
        from azure.identity.aio import DefaultAzureCredential

        credential = DefaultAzureCredential()
        service = BlobServiceClient(settings.azure_storage_account_url, credential=credential,
                                    **_CLIENT_OPTIONS)
        return cls(service.get_container_client(name), service=service, credential=credential)

    # --- Storage --------------------------------------------------------------------------------
    async def read(self, keys: Iterable[str]) -> dict[str, Any]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        keys = list(dict.fromkeys(keys))
        found = await asyncio.gather(*(self._read_one(key) for key in keys))
        return {key: item for key, item in zip(keys, found, strict=True) if item is not None}

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        changes = dict(changes)
        payloads: dict[str, tuple[str, Any, bytes]] = {}  # key -> (name, eTag condition, bytes)
        for key, item in changes.items():
            if not isinstance(key, str) or not key:
                raise ValueError(f"storage keys are non-empty strings, got {key!r}")
            etag = _etag_of(item)
            if etag == "":
                raise ValueError(f"write of {key!r} has an empty eTag; use '*' to overwrite")
            codec, value = _encode(item)  # on the loop, before any await: the caller's objects stay put
            body = json.dumps({"key": key, "codec": codec, "value": value}, ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8")
            payloads[key] = (blob_name(key), etag, body)
        await self._ensure_container()
        conditional = {key: etag for key, (_name, etag, _body) in payloads.items() if etag not in (None, "*")}
        if len(payloads) > 1 and conditional:
            await self._check_etags(conditional)
        new_etags = await asyncio.gather(*(self._upload(key, *payload) for key, payload in payloads.items()))
        for item, etag in zip(changes.values(), new_etags, strict=True):
            _set_etag(item, etag)

    async def delete(self, keys: Iterable[str]) -> None:
        if keys is None:
            raise ValueError("Keys are required when deleting")
        await asyncio.gather(*(self._delete_one(blob_name(key)) for key in dict.fromkeys(keys)))

    # --- listing, health, lifetime ----------------------------------------------------------------
    async def list_keys(self, prefix: str = "", *, page_size: int = 1000) -> AsyncIterator[list[str]]:
        """The keys starting with `prefix`, one page (at most `page_size`, in name order) at a time;
        nothing is read but the names."""
        start = urllib.parse.quote(prefix, safe="/-_~").replace(".", "%2E")
        with _faults("listing"):
            try:
                pages = self.container.list_blobs(name_starts_with=start or None,
                                                  results_per_page=page_size).by_page()
                async for page in pages:
                    keys = [key_of(blob.name) async for blob in page if not blob.name.startswith(".")]
                    if keys:
                        yield keys
            except ResourceNotFoundError:
                return  # no container yet: no items

    async def check_ready(self) -> None:
        """Write and read back one small probe blob (constant work, whatever is stored)."""
        await self._ensure_container()
        probe = self.container.get_blob_client(HEALTH_BLOB)
        with _faults("health check"):
            written = await probe.upload_blob(b"ok", overwrite=True)
            async with self._gate:
                props = await probe.get_blob_properties()
        if props.etag is None or written.get("etag") is None:
            raise StorageUnavailableError("blob storage health check failed: no eTag returned")

    async def close(self) -> None:
        if self._service is not None:
            await self._service.close()
        else:
            await self.container.close()
        if self._credential is not None:
            await self._credential.close()

    # --- one blob ---------------------------------------------------------------------------------
    async def _ensure_container(self) -> None:
        if self._container_ready:
            return
        with _faults("creating the container"), contextlib.suppress(ResourceExistsError):
            await self.container.create_container()
        self._container_ready = True

    async def _read_one(self, key: str) -> Any:
        blob = self.container.get_blob_client(blob_name(key))
        async with self._gate:
            with _faults("read"):
                try:
                    downloader = await blob.download_blob()
                    raw = await downloader.readall()
                except ResourceNotFoundError:
                    return None
        document = json.loads(raw)
        document["e_tag"] = downloader.properties.etag
        return _decode(document)

    async def _current_etag(self, key: str) -> str | None:
        blob = self.container.get_blob_client(blob_name(key))
        async with self._gate:
            with _faults("read"):
                try:
                    return (await blob.get_blob_properties()).etag
                except ResourceNotFoundError:
                    return None

    async def _check_etags(self, expected: dict[str, str]) -> None:
        keys = list(expected)
        current = await asyncio.gather(*(self._current_etag(key) for key in keys))
        for key, stored in zip(keys, current, strict=True):
            if expected[key] == CREATE_ONLY:
                if stored is not None:
                    raise ETagConflictError(key, CREATE_ONLY, stored)
            elif stored != expected[key]:
                raise ETagConflictError(key, expected[key], stored)

    async def _upload(self, key: str, name: str, etag: str | None, body: bytes) -> str:
        blob = self.container.get_blob_client(name)
        conditions: dict[str, Any] = {"overwrite": True}
        if etag == CREATE_ONLY:
            conditions = {"overwrite": False}  # If-None-Match: *
        elif etag not in (None, "*"):
            conditions = {"overwrite": True, "etag": etag, "match_condition": MatchConditions.IfNotModified}
        async with self._gate:
            with _faults("write"):
                try:
                    result = await blob.upload_blob(body, content_settings=_JSON, **conditions)
                except (ResourceModifiedError, ResourceExistsError) as error:
                    raise ETagConflictError(key, etag or "*", await self._peek_etag(blob)) from error
                except ResourceNotFoundError as error:
                    # If-Match on a blob that is gone (or a container deleted under us).
                    raise ETagConflictError(key, etag or "*", None) from error
        return str(result["etag"])

    async def _peek_etag(self, blob: Any) -> str | None:
        """The stored eTag, for the conflict message only (best effort)."""
        try:
            return (await blob.get_blob_properties()).etag
        except AzureError:
            return None

    async def _delete_one(self, name: str) -> None:
        blob = self.container.get_blob_client(name)
        async with self._gate:
            with _faults("delete"), contextlib.suppress(ResourceNotFoundError):
                await blob.delete_blob()
