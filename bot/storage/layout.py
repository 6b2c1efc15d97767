"""Where a storage key lives on disk: the one place that maps keys to files.

Layout (`DATA_DIR/items/`, format 2): one TinyDB file per *partition*, at the path of its key
segments. A partition is the key itself, except in grouped spaces where it is the key's first
segments (`history/<tenant>/<month>` and `history/<tenant>/months` share `history/<tenant>.json`:
one tenant's history, one file). A file holds one TinyDB table named after the space (the first
segment) with a document `{"key", "e_tag", "value"}` per key. So:

- a turn rewrites the few small files of its own keys, whatever the number of tenants stored;
- a damaged file affects the keys of one conversation, user or tenant, never the others;
- keys under a prefix are the files under its folder (`list_keys` walks folders, reads no data).

Segments are written as file names by percent-encoding every byte that is not `[A-Za-z0-9_-]`
(`.` too, so no name is `.`/`..` or hidden, and `.json` can only be the suffix); a segment whose
encoding is longer than `MAX_NAME` becomes `=h<sha256>` (the key is inside the file, so listing
reads that one file). Empty segments are `=e`.

Format 1 (before): `<space>.<xx>.json` hash shards (and older, `<space>.json`) at the top of
DATA_DIR; migrated by `bot.storage.legacy` on first start.
"""

from __future__ import annotations

import functools
import hashlib
import urllib.parse
from pathlib import PurePosixPath

ITEMS = "items"  # folder of the format-2 files under DATA_DIR
SUFFIX = ".json"
MAX_NAME = 180  # bytes of an encoded segment kept readable (ext4 allows 255)
LOCK_STRIPES = 256
GROUPED = {"history": 2}  # space -> number of leading segments forming the partition
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
HASHED = "=h"
EMPTY = "=e"


def encode_segment(segment: str) -> str:
    if segment == "":
        return EMPTY
    raw = segment.encode("utf-8", "surrogatepass")
    encoded = "".join(chr(b) if chr(b) in _SAFE else f"%{b:02X}" for b in raw)
    if len(encoded) > MAX_NAME:
        return HASHED + hashlib.sha256(raw).hexdigest()
    return encoded


def decode_segment(name: str) -> str | None:
    """The segment of a file or folder name; None for a hashed one (read the key from the file)."""
    if name == EMPTY:
        return ""
    if name.startswith(HASHED):
        return None
    return urllib.parse.unquote(name, errors="surrogatepass")


def space_of(key: str) -> str:
    return key.split("/", 1)[0]


def partition_segments(key: str) -> list[str]:
    segments = key.split("/")
    depth = GROUPED.get(segments[0])
    if depth is not None and len(segments) > depth:
        return segments[:depth]
    return segments


def is_grouped(segments: list[str]) -> bool:
    return GROUPED.get(segments[0]) == len(segments) if segments else False


@functools.lru_cache(maxsize=8192)  # a turn asks for the same few keys several times
def relative_path(key: str) -> PurePosixPath:
    """The file (relative to `items/`) holding `key`."""
    names = [encode_segment(segment) for segment in partition_segments(key)]
    names[-1] += SUFFIX
    return PurePosixPath(*names)


def folder_of_prefix(prefix: str) -> list[str]:
    """The folder names (relative to `items/`) of a listing prefix ("" or ending with "/")."""
    return [encode_segment(segment) for segment in prefix.split("/")[:-1]] if prefix else []


@functools.lru_cache(maxsize=8192)
def lock_stripe(relative: PurePosixPath) -> str:
    """The lock file a writer of `relative` holds: striped over a bounded set of lock files, so a
    write touching many files does not open as many descriptors."""
    digest = hashlib.blake2b(str(relative).encode("utf-8"), digest_size=4).digest()
    return f"{int.from_bytes(digest, 'big') % LOCK_STRIPES:02x}"


# --- format 1 (hash shards at the top of DATA_DIR), read once by the migration ---------------------
LEGACY_TABLE = "items"  # its table of {"key", "e_tag", "codec", "value"} documents


def is_legacy_file_name(name: str) -> bool:
    """`msteams.3f.json` (shards) or `msteams.json` (single file), at the top of DATA_DIR."""
    if not name.endswith(SUFFIX) or name.startswith("."):
        return False
    return name.count(".") in (1, 2)
