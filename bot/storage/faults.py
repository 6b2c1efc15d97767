"""Storage faults a turn cannot work around: the store is unreachable, slow or throttled.

Raised by a storage backend after its own bounded retries, so callers tell the user to try again in
a moment (`on_turn_error`), `/healthz` answers 503, and the CLI prints one line, without showing
internals (account names, URLs, request ids stay in the log).
"""

from __future__ import annotations


class StorageUnavailableError(RuntimeError):
    """The store did not answer in time or answered with a server error (after retries)."""
