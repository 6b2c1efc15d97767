"""The per-turn commit: every bot state changed in a turn saved in one storage write, and a cheap
test of whether a state changed at all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from botbuilder.core import BotState, ConversationState, Storage, TurnContext, UserState
from botbuilder.core.bot_state import CachedBotState

from bot.storage import codec

_ENCODER = msgspec.json.Encoder(enc_hook=codec.plain_json)


class JsonCachedBotState(CachedBotState):
    """botbuilder's cached state, with its change test on the state's JSON bytes.

    botbuilder hashes a state with jsonpickle's Python-object walker at load and again at save, which
    cost more CPU than the rest of a question turn's state handling; the state is stored as JSON
    (bot.storage.codec), so its JSON, written in C by msgspec, is what can change. Dialog stacks and
    other objects go through the codec's own conversion."""

    def compute_hash(self, obj: object) -> Any:
        return _ENCODER.encode(obj)


class _JsonHashedState(BotState):
    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        """`BotState.load`, caching a `JsonCachedBotState`."""
        cached = self.get_cached_state(turn_context)
        if force or not isinstance(cached, CachedBotState) or not cached.state:
            key = self.get_storage_key(turn_context)
            items = await self._storage.read([key])
            turn_context.turn_state[self._context_service_key] = JsonCachedBotState(items.get(key))


class TurnConversationState(_JsonHashedState, ConversationState):
    """ConversationState with the cheap change test (see JsonCachedBotState)."""


class TurnUserState(_JsonHashedState, UserState):
    """UserState with the cheap change test (see JsonCachedBotState)."""


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
