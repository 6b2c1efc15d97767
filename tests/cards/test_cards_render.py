"""Every card layout the bot sends (sent_cards.layouts), in every locale, rendered by Microsoft's
Adaptive Cards SDK (npm `adaptivecards` 3.x, Teams' web renderer) in headless Chromium under Teams'
light, dark and high-contrast host configs: the SDK raises no parse or validation event, and every
text reaches WCAG AA contrast (4.5:1, 3:1 for large text) against the background it is drawn on.
A screenshot of each rendering is kept in test-artifacts/cards/<theme>/<locale>/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from functools import cache

import pytest
from card_renderer import (
    ARTIFACTS,
    THEMES,
    CardRenderer,
    Rendering,
    canvas_of,
    card_renderer,
    contrast,
    unavailable,
)
from sent_cards import layouts

from cards import adaptive as ac
from cards.i18n import SUPPORTED_LOCALES

WHY_NOT = unavailable()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=f"cards cannot be rendered here: {WHY_NOT}")

Renderings = Callable[[str, str], dict[str, Rendering]]


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".jpg"


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CardRenderer]:
    # Module scope: the sync Playwright driver's event loop ends with this module, before any asyncio test.
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    with card_renderer(tmp_path_factory.mktemp("chromium")) as made:
        yield made


@pytest.fixture(scope="module")
def rendered(renderer: CardRenderer) -> Renderings:
    """Every sent card of a locale rendered under a theme (once per module), with its screenshot."""

    @cache
    def render(theme: str, locale: str) -> dict[str, Rendering]:
        folder = ARTIFACTS / theme / locale
        return {
            name: renderer.render(card, theme, folder / _file_name(name)) for name, card in layouts(locale)
        }

    return render


CASES = [
    pytest.param(theme, locale, id=f"{theme}-{locale}") for theme in THEMES for locale in SUPPORTED_LOCALES
]


@pytest.mark.parametrize(("theme", "locale"), CASES)
def test_the_sdk_parses_and_validates_every_card_without_an_event(
    rendered: Renderings, theme: str, locale: str
) -> None:
    events = {name: r.events for name, r in rendered(theme, locale).items() if r.events}
    assert not events, "\n".join(f"{name}: {e}" for name, e in list(events.items())[:10])


@pytest.mark.parametrize(("theme", "locale"), CASES)
def test_every_text_reaches_wcag_aa_contrast(rendered: Renderings, theme: str, locale: str) -> None:
    canvas = canvas_of(theme)
    low = {name: bad for name, r in rendered(theme, locale).items() if (bad := r.low_contrast(canvas))}
    assert not low, "\n".join(f"{name}: {bad[:3]}" for name, bad in list(low.items())[:10])


@pytest.mark.parametrize(("theme", "locale"), CASES)
def test_each_rendering_is_kept_as_a_screenshot_and_shows_text(
    rendered: Renderings, theme: str, locale: str
) -> None:
    renderings = rendered(theme, locale)
    assert len(renderings) == len(layouts(locale))
    for name, rendering in renderings.items():
        assert rendering.screenshot is not None and rendering.screenshot.stat().st_size > 1000, name
        assert rendering.texts, f"{name}: no text measured"


def test_the_page_loaded_nothing_and_raised_no_script_error(
    renderer: CardRenderer, rendered: Renderings
) -> None:
    rendered("light", "en")
    assert renderer.requests == [] and renderer.page_errors == []


# --- the checks themselves can fail ---------------------------------------------------------------


def test_contrast_reproduces_the_figures_of_teams_light_theme() -> None:
    # Good text on a good container, attention text on an attention container (issue 16's figures).
    assert round(contrast("#92c353", ["rgb(204, 255, 204)"], "#ffffff"), 2) == 1.85
    assert round(contrast("rgb(196, 49, 75)", ["rgb(255, 197, 178)"], "#ffffff"), 2) == 3.57
    # Subtle text is 75 % opaque: blended with the background before measuring.
    assert round(contrast("rgba(37, 36, 36, 0.75)", [], "#ffffff"), 2) == 6.8
    assert contrast("rgb(0, 0, 0)", [], "#ffffff") == pytest.approx(21.0)


def _banner(color: str, style: str) -> dict:
    return ac.card([ac.container([ac.text("Added 2 from the list", color=color)], style=style)])


def test_the_renderer_finds_good_text_on_a_good_banner(renderer: CardRenderer) -> None:
    low = renderer.render(_banner("Good", "good"), "light").low_contrast(canvas_of("light"))
    assert low == [
        "1.85:1 < 4.5:1 for 'Added 2 from the list' (rgb(146, 195, 83) on ['rgb(204, 255, 204)'])"
    ]
    dark = renderer.render(_banner("Attention", "default"), "dark").low_contrast(canvas_of("dark"))
    assert [line.split(" for ")[0] for line in dark] == ["3.24:1 < 4.5:1"]
    assert renderer.render(_banner("Default", "good"), "dark").low_contrast(canvas_of("dark")) == []


def test_the_sdk_reports_what_teams_would_not_render(renderer: CardRenderer) -> None:
    wrong_size = ac.card([{"type": "TextBlock", "text": "x", "size": "huge"}])
    unknown = ac.card([{"type": "Carousel3D", "text": "x"}])
    too_many = ac.card([ac.text("x")], [ac.submit(f"Button {i}", {"i": i}) for i in range(7)])
    events = [renderer.render(card, "light").events for card in (wrong_size, unknown, too_many)]
    assert [[e["event"] for e in found] for found in events] == [
        ["InvalidPropertyValue"],
        ["UnknownElementType"],
        ["TooManyActions"],
    ]


def test_only_the_sdks_spurious_lang_report_is_ignored(renderer: CardRenderer) -> None:
    card = ac.card([ac.text("x")], lang="en")
    first, second = renderer.render(card, "light"), renderer.render(card, "light")
    assert first.events == second.events == []
    # The pattern's `g` flag: of two renderings in a row of the same valid card, one is reported.
    reported = 'Invalid value "en" for property "lang".'
    assert [e["message"] for e in first.ignored + second.ignored] == [reported]
    # A `lang` the SDK's pattern really refuses is reported.
    for wrong in ("english", "zh-TW"):
        events = renderer.render({**card, "lang": wrong}, "light").events
        assert [e["message"] for e in events] == [f'Invalid value "{wrong}" for property "lang".']
