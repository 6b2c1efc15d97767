"""Where a storage key lives on disk: the one place that maps keys to files.

A key's *space* is its first path segment (`msteams/conversations/...` -> `msteams`,
`profiles/<tenant>` -> `profiles`); keys without a `/` go to `_default`, and a segment that is not a
safe file name is replaced by its hash (no key can name a path outside DATA_DIR). Inside a space,
keys are spread over `SHARDS` files by a stable hash of the whole key: `msteams.3f.json`. A write
rewrites one small shard instead of every conversation of the space.

`SHARDS` is part of the on-disk format: changing it moves keys to other files, so it needs a
migration like the one from the single-file layout (see `legacy_file_name`).

Layout before sharding (still read, migrated on first use of the space): one file per space,
`<space>.json`. The names never collide: a space name has no `.`, a shard name has exactly one.
"""

from __future__ import annotations

import hashlib
import re

SHARDS = 256
LOCK_STRIPES = 256  # lock files shared by shard files: a write holds at most this many open
TABLE = "items"  # the TinyDB table holding the documents {"key", "e_tag", "codec", "value"}
_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def space_of(key: str) -> str:
    head = key.split("/", 1)[0] if "/" in key else ""
    if _SAFE.match(head):
        return head
    if not head:
        return "_default"
    return "k_" + hashlib.sha256(head.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def shard_of(key: str) -> int:
    # blake2b, not hash(): Python's str hash is salted per process, the mapping must be stable.
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=4).digest()
    return int.from_bytes(digest, "big") % SHARDS


def shard_file_name(space: str, shard: int) -> str:
    return f"{space}.{shard:02x}.json"


def file_name_of(key: str) -> str:
    """The shard file holding `key`."""
    return shard_file_name(space_of(key), shard_of(key))


def lock_file_name(file_name: str) -> str:
    """The lock file a writer of `file_name` holds (striped: a bounded number of lock files, so a
    write touching thousands of shards does not open thousands of descriptors)."""
    digest = hashlib.blake2b(file_name.encode("utf-8"), digest_size=4).digest()
    return f".lock-{int.from_bytes(digest, 'big') % LOCK_STRIPES:02x}"


def legacy_file_name(space: str) -> str:
    """The single file the space used before sharding."""
    return f"{space}.json"


def migrated_name(space: str) -> str:
    """What a legacy file is renamed to once its documents are in the shards (kept as a backup;
    not `*.json`, so nothing reads it again)."""
    return f"{space}.json.migrated"
