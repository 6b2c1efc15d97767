"""The per-turn commit: every bot state changed in a turn saved in one storage write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botbuilder.core import BotState, Storage, TurnContext
from botbuilder.core.bot_state import CachedBotState


async def save_turn_state(turn_context: TurnContext, states: Sequence[BotState], storage: Storage) -> int:
    """Save the states this turn changed (conversation, user...) with ONE `storage.write`, and
    nothing when none changed. Returns the number of items written. Raises what the write raises
    (an `ETagConflictError` writes nothing on TinyDB)."""
    changes: dict[str, Any] = {}
    written = []
    for state in states:
        cached = state.get_cached_state(turn_context)
        if isinstance(cached, CachedBotState) and cached.is_changed:
            changes[state.get_storage_key(turn_context)] = cached.state
            written.append(cached)
    if not changes:
        return 0
    await storage.write(changes)  # sets the new e_tag on each state dict
    for cached in written:
        cached.hash = cached.compute_hash(cached.state)
    return len(changes)
