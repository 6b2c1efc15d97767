"""The solution areas a partner cares about, kept beside the profile.

The profile contract (ARCHITECTURE.md) has no field for them and the scoring model forbids extra
keys, so they live in their own storage item per tenant, written only on confirm like the profile.
"""

from __future__ import annotations

from typing import Any

from bot.stores import tenant_key
from scoring.ids import Area

_KNOWN = {a.value for a in Area}


def key(tenant_id: str) -> str:
    return f"intake-areas/{tenant_key(tenant_id)}"


async def get_areas(storage: Any, tenant_id: str) -> list[str] | None:
    item = (await storage.read([key(tenant_id)])).get(key(tenant_id))
    areas = item.get("areas") if isinstance(item, dict) else None
    if not isinstance(areas, list):
        return None
    kept = [a for a in areas if a in _KNOWN]
    return kept or None


async def put_areas(storage: Any, tenant_id: str, areas: list[str]) -> None:
    await storage.write({key(tenant_id): {"areas": [a for a in areas if a in _KNOWN], "e_tag": "*"}})
