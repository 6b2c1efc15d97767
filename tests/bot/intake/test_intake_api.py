"""The intake's entry points keep the signatures the handler (H2) calls."""

import inspect

import bot.intake


def test_entry_points_have_the_briefed_signatures() -> None:
    assert list(inspect.signature(bot.intake.run_intake_turn).parameters) == ["turn_context", "services"]
    assert list(inspect.signature(bot.intake.start_intake).parameters) == [
        "turn_context",
        "services",
        "section",
    ]
    assert list(inspect.signature(bot.intake.on_card_action).parameters) == [
        "turn_context",
        "services",
        "verb",
        "data",
    ]
    for fn in (bot.intake.run_intake_turn, bot.intake.start_intake, bot.intake.on_card_action):
        assert inspect.iscoroutinefunction(fn)
