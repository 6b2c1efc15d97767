"""Renders cards with Microsoft's Adaptive Cards JavaScript SDK (npm `adaptivecards` 3.x, the renderer
behind Teams' web client) in headless Debian Chromium, under Teams' host configs (hostconfigs/), and
measures the WCAG contrast of every piece of text against the background it is drawn on.

Chromium runs in a private network namespace with no interface up (`unshare --net`): the page needs
no network (the SDK and the cards are handed to it), and nothing Chromium tries at start can leave the
machine. Playwright talks to it over a pipe.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SDK_DIR = ROOT / "node_modules" / "adaptivecards" / "dist"
HOST_CONFIGS = HERE / "hostconfigs"
THEMES = ("light", "dark", "high-contrast")
ARTIFACTS = ROOT / "test-artifacts" / "cards"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--font-render-hinting=none",
]
CARD_WIDTH = 560  # px: a Teams chat column with a full-width card
AA_NORMAL, AA_LARGE = 4.5, 3.0

# The SDK's `lang` check is a regular expression with the `g` flag (card-elements.js:
# `new StringProperty(Versions.v1_1, "lang", true, /^[a-z]{2,3}$/gi)`). `exec` on a global pattern
# resumes at the previous match's end, so after one card with a valid `lang` the next valid one is
# reported as invalid. Only that spurious report is ignored: a `lang` the pattern (without `g`)
# refuses is still an error.
_LANG_EVENT = re.compile(r'^Invalid value "([^"]*)" for property "lang"')
_LANG_PATTERN = re.compile(r"^[a-z]{2,3}$", re.IGNORECASE)


def is_sdk_lang_bug(event: dict[str, Any]) -> bool:
    found = _LANG_EVENT.match(str(event.get("message", "")))
    return bool(found and _LANG_PATTERN.match(found.group(1)))


# Teams' chart elements (`Chart.Gauge`...) are Teams extensions the SDK does not know: it reports them
# and renders their `fallback`, which is what a client without charts shows, so that report is
# expected. card_schema.chart_problems makes every chart carry a fallback element.
_CHART_EVENT = re.compile(r'^Unknown element type "Chart\.[A-Za-z.]+"\. Fallback will be used')


def is_teams_chart(event: dict[str, Any]) -> bool:
    message = str(event.get("message", ""))
    return event.get("event") == "UnknownElementType" and bool(_CHART_EVENT.match(message))


def _expected(event: dict[str, Any]) -> bool:
    return is_sdk_lang_bug(event) or is_teams_chart(event)


def host_config(theme: str) -> dict[str, Any]:
    return json.loads((HOST_CONFIGS / f"teams-{theme}.json").read_text("utf-8"))


def unavailable() -> str | None:
    """Why cards cannot be rendered here, or None."""
    if not CHROMIUM.exists():
        return f"Chromium is not installed ({CHROMIUM}); `scripts/e2e-setup` installs it"
    if not (SDK_DIR / "adaptivecards.min.js").exists():
        return f"the Adaptive Cards SDK is not installed ({SDK_DIR}); `scripts/e2e-setup` runs `npm ci`"
    if shutil.which("unshare") is None:
        return "`unshare` (util-linux) is missing: Chromium runs in a private network namespace"
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"cannot create a network namespace for Chromium: {probe.stderr.strip()}"
    return None


# --- colours and contrast (WCAG 2.x) ----------------------------------------------------------------

RGBA = tuple[float, float, float, float]
_CSS_COLOR = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,/\s]+([\d.]+))?\s*\)")


def parse_color(value: str) -> RGBA:
    """A colour as CSS writes it (`rgb(1, 2, 3)`, `rgba(1, 2, 3, 0.5)`) or as host configs do
    (`#RRGGBB`, `#AARRGGBB`)."""
    if value.startswith("#"):
        digits = value[1:]
        alpha = int(digits[:2], 16) / 255 if len(digits) == 8 else 1.0
        rgb = digits[-6:]
        return (int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16), alpha)
    found = _CSS_COLOR.fullmatch(value.strip())
    if not found:
        raise ValueError(f"not a colour: {value!r}")
    r, g, b, a = found.groups()
    return (float(r), float(g), float(b), float(a) if a is not None else 1.0)


def over(top: RGBA, below: RGBA) -> RGBA:
    """`top` painted over the opaque colour `below`."""
    a = top[3]
    return (*(a * t + (1 - a) * b for t, b in zip(top[:3], below[:3], strict=True)), 1.0)  # type: ignore[return-value]


def luminance(color: RGBA) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in color[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, backgrounds: list[str], canvas: str) -> float:
    """The contrast ratio of text in `foreground` drawn on `backgrounds` (innermost first) over `canvas`."""
    base = parse_color(canvas)
    for layer in reversed(backgrounds):
        base = over(parse_color(layer), base)
    text = over(parse_color(foreground), base)
    light, dark = sorted((luminance(text), luminance(base)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def required_contrast(font_px: float, weight: int) -> float:
    """WCAG AA: 3:1 for large text (18 pt = 24 px, or 14 pt = 18.67 px bold), 4.5:1 otherwise."""
    large = font_px >= 24 or (font_px >= 18.66 and weight >= 700)
    return AA_LARGE if large else AA_NORMAL


@dataclass(frozen=True)
class Rendering:
    events: list[dict[str, Any]]  # what the SDK reported, the expected reports left out
    ignored: list[dict[str, Any]]  # the spurious `lang` report and the Teams charts (drawn as fallbacks)
    texts: list[dict[str, Any]]  # each shown text with its colour, backgrounds and font
    screenshot: Path | None

    def low_contrast(self, canvas: str) -> list[str]:
        out = []
        for item in self.texts:
            ratio = contrast(item["color"], item["backgrounds"], canvas)
            needed = required_contrast(item["fontSize"], item["fontWeight"])
            if ratio < needed:
                out.append(
                    f"{ratio:.2f}:1 < {needed}:1 for {item['text']!r} "
                    f"({item['color']} on {item['backgrounds'] or [canvas]})"
                )
        return out


class CardRenderer:
    """One Chromium page with the SDK loaded; renders cards one after another under a host config."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.page_errors: list[str] = []
        self.requests: list[str] = []  # the page loads nothing: a request would mean a card points outside
        page.route("**/*", self._refuse)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", lambda m: self.page_errors.append(m.text) if m.type == "error" else None)
        page.set_content(
            f'<!doctype html><html><body style="margin:0"><div id="host" style="width:{CARD_WIDTH}px">'
            "</div></body></html>"
        )
        page.add_style_tag(path=str(SDK_DIR / "adaptivecards.css"))
        page.add_script_tag(path=str(SDK_DIR / "adaptivecards.min.js"))
        page.add_script_tag(path=str(HERE / "render_cards.js"))

    def _refuse(self, route: Any) -> None:
        self.requests.append(route.request.url)
        route.abort()

    def render(self, card: dict[str, Any], theme: str, screenshot: Path | None = None) -> Rendering:
        config = host_config(theme)
        canvas = config["containerStyles"]["default"]["backgroundColor"]
        self.page.evaluate("color => { document.body.style.background = color; }", _css(canvas))
        result = self.page.evaluate("([card, config]) => renderCard(card, config)", [card, config])
        if screenshot is not None:
            # The page is the card (no margin, the card's width): a full-page JPEG is the quickest capture.
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(screenshot), full_page=True, type="jpeg", quality=85)
        events = [e for e in result["events"] if not _expected(e)]
        ignored = [e for e in result["events"] if _expected(e)]
        return Rendering(events=events, ignored=ignored, texts=result["texts"], screenshot=screenshot)


def _css(color: str) -> str:
    r, g, b, a = parse_color(color)
    return f"rgba({r:.0f}, {g:.0f}, {b:.0f}, {a:.3f})"


def canvas_of(theme: str) -> str:
    return host_config(theme)["containerStyles"]["default"]["backgroundColor"]


@contextmanager
def card_renderer(scratch: Path) -> Iterator[CardRenderer]:
    """A renderer on headless Chromium inside a private network namespace (see the module docstring)."""
    scratch.mkdir(parents=True, exist_ok=True)
    wrapper = scratch / "chromium-no-network"
    wrapper.write_text(f'#!/bin/sh\nexec unshare --net -- {CHROMIUM} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(wrapper), args=CHROMIUM_FLAGS, timeout=60_000)
        try:
            context = browser.new_context(viewport={"width": CARD_WIDTH, "height": 800})
            yield CardRenderer(context.new_page())
        finally:
            browser.close()
