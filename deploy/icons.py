"""Draws the Teams app icons (no image library needed): `python -m deploy.icons` writes
deploy/teams-app/color.png (192x192, full colour, solid background) and outline.png (32x32, white glyph on
a transparent background), the two sizes the Teams manifest requires. The glyph is three rising score bars.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

APP_DIR = Path(__file__).parent / "teams-app"
ACCENT = (0x0F, 0x6C, 0xBD)  # also the manifest's accentColor
WHITE = (0xFF, 0xFF, 0xFF)

Pixel = tuple[int, int, int, int]


def png_bytes(pixels: list[list[Pixel]]) -> bytes:
    """RGBA rows -> PNG file bytes (8-bit RGBA, no interlace)."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + b"".join(struct.pack("4B", *pixel) for pixel in row) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(
        b"IEND", b"")


def _bars(size: int, bar: int, gap: int, heights: tuple[int, int, int], base: int,
          fg: Pixel, bg: Pixel) -> list[list[Pixel]]:
    pixels = [[bg] * size for _ in range(size)]
    left = (size - (3 * bar + 2 * gap)) // 2
    for index, height in enumerate(heights):
        x0 = left + index * (bar + gap)
        for y in range(base - height, base):
            for x in range(x0, x0 + bar):
                pixels[y][x] = fg
    return pixels


def color_icon() -> bytes:
    # The symbol stays inside the central 120x120 safe area Teams recommends.
    return png_bytes(_bars(192, 24, 12, (40, 68, 96), 144, (*WHITE, 255), (*ACCENT, 255)))


def outline_icon() -> bytes:
    return png_bytes(_bars(32, 6, 3, (10, 16, 22), 27, (*WHITE, 255), (0, 0, 0, 0)))


def write_icons(directory: Path = APP_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (("color.png", color_icon()), ("outline.png", outline_icon())):
        path = directory / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_icons(Path(sys.argv[1]) if len(sys.argv) > 1 else APP_DIR):
        print(path)
