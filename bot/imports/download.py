"""Fetch a file Teams attached (its pre-authorised `downloadUrl`), with limits.

HTTPS only; plain http is accepted for a loopback address when IMPORT_ALLOW_LOOPBACK_HTTP is on
(tests and the local playground). Redirects are followed by hand so each hop is checked the same
way. The body is read in chunks and dropped as soon as it passes IMPORT_MAX_BYTES.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin, urlsplit

import aiohttp

from bot.config import Settings
from bot.imports.problems import ImportProblem

MAX_REDIRECTS = 3
_CHUNK = 64 * 1024


def _allowed(url: str, settings: Settings) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not settings.import_allow_loopback_http or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


async def download(url: str, settings: Settings) -> bytes:
    limit = settings.import_max_bytes
    timeout = aiohttp.ClientTimeout(total=settings.import_timeout_seconds)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for _ in range(MAX_REDIRECTS + 1):
                if not _allowed(url, settings):
                    raise ImportProblem("download_refused")
                async with session.get(url, allow_redirects=False) as response:
                    if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                        url = urljoin(url, response.headers["Location"])
                        continue
                    if response.status != 200:
                        raise ImportProblem("download_failed")
                    if (response.content_length or 0) > limit:
                        raise ImportProblem("too_big", megabytes=limit // (1024 * 1024))
                    body = bytearray()
                    async for chunk in response.content.iter_chunked(_CHUNK):
                        body += chunk
                        if len(body) > limit:
                            raise ImportProblem("too_big", megabytes=limit // (1024 * 1024))
                    return bytes(body)
            raise ImportProblem("download_failed")
    except TimeoutError:
        raise ImportProblem("download_timeout") from None
    except (aiohttp.ClientError, ValueError):
        raise ImportProblem("download_failed") from None
