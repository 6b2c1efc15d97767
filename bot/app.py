"""The aiohttp application: POST /api/messages (Bot Framework) and GET /healthz."""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import Any

from aiohttp import web

from bot.handler import Parts, ScoreBot, on_turn_error
from bot.services import Services
from bot.storage.base import StorageUnavailableError

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_S = 5.0  # a store slower than this to write a probe is not healthy

SERVICES_KEY: web.AppKey[Services] = web.AppKey("services", Services)
BOT_KEY: web.AppKey[ScoreBot] = web.AppKey("bot", ScoreBot)


def create_app(services: Services, parts: Parts | None = None, *, scheduler: bool = True) -> web.Application:
    """The service. `parts` replaces the questions/intake/notifications entry points (tests);
    `scheduler=False` leaves the monthly notification scheduler out (tests, benchmarks)."""
    bot = ScoreBot(services, parts)
    services.adapter.on_turn_error = on_turn_error
    app = web.Application(client_max_size=services.settings.max_body_bytes)
    app[SERVICES_KEY] = services
    app[BOT_KEY] = bot

    async def messages(request: web.Request) -> web.StreamResponse:
        length = request.content_length
        if length is not None and length > services.settings.max_body_bytes:
            return web.json_response({"error": "the request body is too large"}, status=413)
        # Bodies nested too deeply to parse are refused by the adapter's own parse (sdk_fixes).
        return await services.adapter.process(request, bot)

    async def healthz(_: web.Request) -> web.Response:
        # Constant work (a probe written, read back and removed), whatever the data stored; a
        # damaged item affects its own tenant only, so it does not make the service unhealthy.
        try:
            await asyncio.wait_for(services.storage.check_health(), HEALTH_TIMEOUT_S)
        except StorageUnavailableError as error:
            log.error("storage not ready: %s", error)
            return web.json_response({"status": "unavailable", "storage": str(error)}, status=503)
        except Exception as error:  # its message may carry paths or account names: log only
            log.error("storage not ready: %s: %s", type(error).__name__, error)
            return web.json_response({"status": "unavailable", "storage": "unavailable"}, status=503)
        return web.json_response({"status": "ok", "storage": "ok"})

    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)

    if scheduler:
        _attach_scheduler(app, services)

    async def close(_: web.Application) -> None:
        await services.close()

    app.on_cleanup.append(close)
    return app


def _attach_scheduler(app: web.Application, services: Services) -> None:
    try:
        notifications: Any = importlib.import_module("bot.notifications")
    except ImportError as error:  # the part is optional for the service to answer questions
        log.warning("monthly notifications are off: %s", error)
        return
    notifications.attach_scheduler(app, services)
