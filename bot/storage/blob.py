"""`BlobStorage`: the storage interface (bot/storage/base.py) over Azure Blob Storage (`STORAGE=blob`).

One blob per item, `{"key", "value"}` as JSON (values through `bot.storage.codec`, like TinyDB),
named after its key (`blob_name`). The blob's ETag is the item's `e_tag`, and every upload is
conditional, so a stale write is refused exactly as by the TinyDB store:
- an `e_tag` read earlier: uploaded If-Match that ETag, else `ETagConflictError`;
- `IF_ABSENT`: uploaded If-None-Match `*`, else `ETagConflictError`;
- missing/None or `"*"` (last writer wins): the current blob is read first and the upload is made
  conditional on what was read (retried if someone wrote in between), so a damaged blob is never
  overwritten (`DamagedItemError`, as base.py asks) and nothing is written blind.
A batch of several items is checked first (every conditional item's current ETag) and written only if
all match. Blobs have no multi-blob transaction: a writer slipping in between that check and the
uploads still gets its own item refused, but the batch's items uploaded before it stay written.

Faults: the SDK retries a bounded number of times (`_RETRY`) with short timeouts; what still fails
(5xx, throttling, timeouts, unreachable, refused credentials) raises `StorageUnavailableError` with no
URL or account name. An upload is atomic (one Put Blob, or a block list committed under the same
condition), so a failed write leaves the previous version whole.

Internal blobs (health probes, leases, quarantine) live under `.bot/`: an item's blob name never
starts with `.` (see `blob_name`), so they never collide with items, and listings skip them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from azure.core import MatchConditions
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from azure.storage.blob import ContentSettings
from azure.storage.blob.aio import BlobClient, BlobServiceClient, ContainerClient, ExponentialRetry

from bot.storage import codec
from bot.storage.base import (
    DEFAULT_PAGE_SIZE,
    IF_ABSENT,
    DamagedEntry,
    DamagedItemError,
    ETagConflictError,
    ItemStorage,
    KeyPage,
    StorageUnavailableError,
    check_etags,
    check_prefix,
    encode_batch,
    is_conditional,
    set_etag,
)

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.blob_lease import Leadership

log = logging.getLogger(__name__)

SYSTEM_PREFIX = ".bot/"  # internal blobs; no item's name starts with "."
QUARANTINE_PREFIX = ".bot/quarantine/"
MAX_NAME = 1024  # Azure's limit on a blob name
_JSON = ContentSettings(content_type="application/json; charset=utf-8")
# Bounded: two retries (after ~0.5 s and ~2.5 s) of 408/429/5xx and connection errors, never of
# 412/409; with these timeouts a turn gives up in seconds rather than hanging on a dead store.
# (The SDK annotates initial_backoff as int; its backoff arithmetic is float throughout.)
_RETRY = ExponentialRetry(initial_backoff=0.5, increment_base=2, retry_total=2)  # pyright: ignore[reportArgumentType]
CLIENT_OPTIONS: dict[str, Any] = {"retry_policy": _RETRY, "connection_timeout": 3, "read_timeout": 5}
_PARALLEL = 16  # requests of one batch in flight at once
_OVERWRITE_TRIES = 20  # last-writer-wins uploads racing other writers


def _encode_name(text: str) -> str:
    # Character by character, so a key prefix is a blob-name prefix (listing); "." is encoded too,
    # so no name has a "." or ".." segment, ends with a dot or starts with one (internal blobs do).
    return urllib.parse.quote(text, safe="/-_~").replace(".", "%2E")


def blob_name(key: str) -> str:
    """The blob holding `key`."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"storage keys are non-empty strings, got {key!r}")
    name = _encode_name(key)
    if len(name) > MAX_NAME:
        raise ValueError(f"storage key too long: at most {MAX_NAME} characters once encoded, "
                         f"got {len(name)} for {key[:60]!r}...")
    return name


def key_of(name: str) -> str:
    return urllib.parse.unquote(name)


def unavailable(error: BaseException, doing: str) -> StorageUnavailableError:
    """A short reason without URLs or account names (those go to the debug log)."""
    if isinstance(error, ClientAuthenticationError):
        reason = "credentials or permissions refused"
    elif isinstance(error, HttpResponseError) and error.status_code:
        reason = f"HTTP {error.status_code} {getattr(error, 'error_code', None) or ''}".strip()
    elif isinstance(error, TimeoutError | ServiceRequestTimeoutError | ServiceResponseTimeoutError):
        reason = "timed out"
    elif isinstance(error, ServiceResponseError):  # connected, but the answer broke off or never came
        reason = "timed out" if "timeout" in f"{error} {error.inner_exception!r}".lower() else "no answer"
    else:
        reason = "unreachable"
    log.debug("blob storage: %s failed: %r", doing, error)
    return StorageUnavailableError(f"blob storage {doing} failed ({reason})")


@contextlib.contextmanager
def faults(doing: str) -> Iterator[None]:
    """SDK errors other than those callers handle (412, 404, 409) become StorageUnavailableError."""
    try:
        yield
    except (ResourceModifiedError, ResourceNotFoundError, ResourceExistsError):
        raise
    except (AzureError, TimeoutError, OSError) as error:
        raise unavailable(error, doing) from error


def _parse(key: str, name: str, raw: bytes) -> Any:
    """The stored JSON value of `key`, or DamagedItemError."""
    try:
        document = json.loads(raw)
    except ValueError as error:
        problem = "empty blob" if not raw.strip() else f"not valid JSON: {error}"
        raise DamagedItemError(key, problem, name) from error
    if not isinstance(document, dict) or "value" not in document or document.get("key") != key:
        raise DamagedItemError(key, "not an item of this key", name)
    return document["value"]


class BlobStorage(ItemStorage):
    """Items in one blob container; see the module docstring."""

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
        """The container AZURE_STORAGE_CONTAINER, reached with AZURE_STORAGE_CONNECTION_STRING or with
        the managed identity (DefaultAzureCredential) at AZURE_STORAGE_ACCOUNT_URL. No I/O here."""
        name = settings.azure_storage_container
        if settings.azure_storage_connection_string:
            service = BlobServiceClient.from_connection_string(settings.azure_storage_connection_string,
                                                               **CLIENT_OPTIONS)
            return cls(service.get_container_client(name), service=service)
        from azure.identity.aio import DefaultAzureCredential

        credential = DefaultAzureCredential()
        service = BlobServiceClient(settings.azure_storage_account_url, credential=credential,
                                    **CLIENT_OPTIONS)
        return cls(service.get_container_client(name), service=service, credential=credential)

    def describe(self) -> str:
        return f"Azure Blob Storage container {self.container.container_name} ({self.container.url})"

    # --- botbuilder Storage ---------------------------------------------------------------------
    async def read(self, keys: Iterable[str]) -> dict[str, Any]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        keys = list(dict.fromkeys(keys))
        found = await asyncio.gather(*(self._read_one(key) for key in keys))
        return {key: codec.decode(item[0], item[1])
                for key, item in zip(keys, found, strict=True) if item is not None}

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        changes = dict(changes)
        encoded = encode_batch(changes)  # before any await: the caller's objects are read once, here
        uploads = [(key, blob_name(key), etag,
                    json.dumps({"key": key, "value": value}, ensure_ascii=False,
                               separators=(",", ":")).encode("utf-8"))
                   for key, (etag, value) in encoded.items()]
        await self._ensure_container()
        conditional = {key: etag for key, (etag, _value) in encoded.items() if is_conditional(etag)}
        if len(uploads) > 1 and conditional:
            await self._check_etags(conditional)
        new_etags = await asyncio.gather(*(self._upload(*upload) for upload in uploads))
        for item, etag in zip(changes.values(), new_etags, strict=True):
            set_etag(item, etag)

    async def delete(self, keys: Iterable[str]) -> None:
        if keys is None:
            raise ValueError("Keys are required when deleting")
        await asyncio.gather(*(self._delete_one(blob_name(key)) for key in dict.fromkeys(keys)))

    # --- the rest of the interface --------------------------------------------------------------
    async def list_keys(self, prefix: str, *, page_size: int = DEFAULT_PAGE_SIZE,
                        continuation: str | None = None) -> KeyPage:
        """One page of the blob listing under the prefix (names only: no item is read)."""
        start = _encode_name(check_prefix(prefix))
        with faults("listing"):
            try:
                pages = self.container.list_blobs(name_starts_with=start or None,
                                                  results_per_page=page_size).by_page(continuation)
                page = await pages.__anext__()
                keys = [key_of(blob.name) async for blob in page if not blob.name.startswith(".")]
            except (StopAsyncIteration, ResourceNotFoundError):  # no container yet: no items
                return KeyPage([], None)
        # by_page() is annotated as a plain AsyncIterator; the object is an AsyncPageIterator.
        return KeyPage(keys, getattr(pages, "continuation_token", None) or None)

    async def check_health(self) -> None:
        """One probe blob of this check written, read back and deleted (constant work)."""
        probe = self.container.get_blob_client(f"{SYSTEM_PREFIX}health/{uuid.uuid4().hex}")
        token = uuid.uuid4().bytes
        await self._ensure_container()
        with faults("health check"):
            await probe.upload_blob(token, overwrite=False)
            read_back = await (await probe.download_blob()).readall()
            await probe.delete_blob()
        if read_back != token:
            raise StorageUnavailableError("blob storage health check failed (read back other data)")

    async def scan_damaged(self) -> list[DamagedEntry]:
        damaged: list[DamagedEntry] = []
        continuation: str | None = None
        while True:
            page = await self.list_keys("", continuation=continuation)
            for key in page.keys:
                try:
                    await self._read_one(key)
                except DamagedItemError as error:
                    damaged.append(DamagedEntry(blob_name(key), error.problem, (key,)))
            if (continuation := page.continuation) is None:
                return damaged

    async def quarantine(self, entry: DamagedEntry) -> str:
        """Copy the blob under `.bot/quarantine/`, then delete it if nobody replaced it meanwhile."""
        source = self.container.get_blob_client(entry.location)
        target_name = f"{QUARANTINE_PREFIX}{entry.location}"
        with faults("quarantine"):
            downloader = await source.download_blob()
            raw = await downloader.readall()
            await self.container.get_blob_client(target_name).upload_blob(raw, overwrite=True)
            await source.delete_blob(etag=downloader.properties.etag,
                                     match_condition=MatchConditions.IfNotModified)
        log.warning("blob storage: damaged blob %s moved to %s", entry.location, target_name)
        return target_name

    async def close(self) -> None:
        if self._service is not None:
            await self._service.close()
        else:
            await self.container.close()
        if self._credential is not None:
            await self._credential.close()

    def blob(self, name: str) -> BlobClient:
        """A client for an internal blob (`.bot/...`): leases use it."""
        return self.container.get_blob_client(name)

    async def ensure_container(self) -> None:
        await self._ensure_container()

    def leadership(self, name: str) -> Leadership:
        """Run something on one instance at a time (the monthly scheduler): bot/storage/blob_lease.py."""
        from bot.storage.blob_lease import Leadership

        return Leadership(self, name)

    # --- one blob ---------------------------------------------------------------------------------
    async def _ensure_container(self) -> None:
        if self._container_ready:
            return
        with faults("creating the container"), contextlib.suppress(ResourceExistsError):
            await self.container.create_container()
        self._container_ready = True

    async def _download(self, name: str) -> tuple[bytes, str] | None:
        """The blob's bytes and ETag, or None if there is no such blob."""
        blob = self.container.get_blob_client(name)
        async with self._gate:
            with faults("read"):
                try:
                    downloader = await blob.download_blob()
                    return await downloader.readall(), str(downloader.properties.etag)
                except ResourceNotFoundError:
                    return None

    async def _read_one(self, key: str) -> tuple[Any, str] | None:
        name = blob_name(key)
        found = await self._download(name)
        if found is None:
            return None
        raw, etag = found
        try:
            return _parse(key, name, raw), etag
        except DamagedItemError as error:
            log.error("blob storage: item %r in blob %s is damaged: %s", key, name, error.problem)
            raise

    async def _current_etag(self, name: str) -> str | None:
        blob = self.container.get_blob_client(name)
        async with self._gate:
            with faults("read"):
                try:
                    return str((await blob.get_blob_properties()).etag)
                except ResourceNotFoundError:
                    return None

    async def _check_etags(self, expected: dict[str, str]) -> None:
        keys = list(expected)
        current = await asyncio.gather(*(self._current_etag(blob_name(key)) for key in keys))
        check_etags(expected, dict(zip(keys, current, strict=True)).__getitem__)

    async def _upload(self, key: str, name: str, etag: str | None, body: bytes) -> str:
        if not is_conditional(etag):
            return await self._overwrite(key, name, body)
        written = await self._put(name, body, etag)
        if written is None:
            raise ETagConflictError(key, etag, await self._current_etag(name))
        return written

    async def _overwrite(self, key: str, name: str, body: bytes) -> str:
        """Last writer wins, but never blind: conditional on the version just read, which must be a
        whole item (a damaged blob is left for check-storage)."""
        for _attempt in range(_OVERWRITE_TRIES):
            current = await self._download(name)
            if current is not None:
                _parse(key, name, current[0])
            written = await self._put(name, body, current[1] if current is not None else IF_ABSENT)
            if written is not None:
                return written
            await asyncio.sleep(0)  # someone wrote in between: read again and retry
        raise ETagConflictError(key, "*", await self._current_etag(name))

    async def _put(self, name: str, body: bytes, condition: str) -> str | None:
        """Upload `body` if the blob has ETag `condition` (or, for IF_ABSENT, does not exist);
        returns the new ETag, or None if the condition failed."""
        blob = self.container.get_blob_client(name)
        if condition == IF_ABSENT:
            options: dict[str, Any] = {"overwrite": False}
        else:
            options = {"overwrite": True, "etag": condition, "match_condition": MatchConditions.IfNotModified}
        async with self._gate:
            with faults("write"):
                try:
                    result = await blob.upload_blob(body, content_settings=_JSON, **options)
                except (ResourceModifiedError, ResourceExistsError, ResourceNotFoundError):
                    return None  # 412 (other ETag), 409 (exists), 404 (If-Match on a deleted blob)
        return str(result["etag"])

    async def _delete_one(self, name: str) -> None:
        blob = self.container.get_blob_client(name)
        async with self._gate:
            with faults("delete"), contextlib.suppress(ResourceNotFoundError):
                await blob.delete_blob()
