"""The import in a chat: a file attached in a personal chat, "import"/"upload", Apply and Cancel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import ActivityTypes, Attachment

from bot.activity import conversation_id_of, locale_of, tenant_of
from bot.imports.problems import ImportProblem
from cards.adaptive import ADAPTIVE_CARD_CONTENT_TYPE, literal
from cards.i18n import t
from cards.import_cards import APPLY, CANCEL, build_preview_card

# Reading files (bot.imports.preview: numpy, the column map, the scoring of a preview) is imported
# by the turns that carry one: every message is checked here, few are imports.
if TYPE_CHECKING:
    from bot.imports.preview import PendingPreviews
    from bot.services import Services

log = logging.getLogger(__name__)

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"

_PENDING = "import_previews"  # Services.extras key


def pending(services: Services) -> PendingPreviews:
    from bot.imports.preview import PendingPreviews

    return services.extras.setdefault(_PENDING, PendingPreviews())


def _words(locale: str) -> set[str]:
    return {
        w.strip().casefold()
        for key in (locale, "en")
        for w in t(key, "imports.cmd_import").split("|")
        if w.strip()
    }


def is_import_turn(turn_context: TurnContext) -> bool:
    """Whether this message is ours: a file, an Apply/Cancel, or the words "import"/"upload"."""
    activity = turn_context.activity
    if activity.type != ActivityTypes.message:
        return False
    if any(a.content_type == FILE_DOWNLOAD_INFO for a in activity.attachments or []):
        return True
    if isinstance(activity.value, dict) and "import" in activity.value:
        return True
    text = activity.text.strip().casefold() if isinstance(activity.text, str) else ""
    return bool(text) and len(text) <= 40 and text.rstrip("?!. ") in _words(locale_of(turn_context))


async def handle_import_turn(turn_context: TurnContext, services: Services) -> bool:
    """Handle the turn if `is_import_turn`; True when handled."""
    if not is_import_turn(turn_context):
        return False
    activity = turn_context.activity
    locale = locale_of(turn_context)
    tenant_id = tenant_of(activity) or ""
    try:
        if isinstance(activity.value, dict) and "import" in activity.value:
            await _button(turn_context, services, activity.value, tenant_id, locale)
            return True
        kind = activity.conversation.conversation_type if activity.conversation else None
        if kind not in (None, "personal"):
            # Teams gives bots no files in group chats and channels: say where it works.
            await turn_context.send_activity(t(locale, "imports.personal_only"))
            return True
        files = [a for a in activity.attachments or [] if a.content_type == FILE_DOWNLOAD_INFO]
        if not files:
            await turn_context.send_activity(help_text(locale))
            return True
        if len(files) > 1:
            raise ImportProblem("one_file_at_a_time")
        await _receive(turn_context, services, files[0], tenant_id, locale)
    except ImportProblem as problem:
        await turn_context.send_activity(literal(problem_text(locale, problem)))  # names from the file
    return True


async def _receive(
    turn_context: TurnContext, services: Services, attachment: Attachment, tenant_id: str, locale: str
) -> None:
    content = attachment.content if isinstance(attachment.content, dict) else {}
    url = content.get("downloadUrl")
    if not isinstance(url, str) or not url:
        raise ImportProblem("download_failed")
    from bot.imports.download import download
    from bot.imports.preview import ReceivedFile, build_preview

    name = attachment.name if isinstance(attachment.name, str) and attachment.name else "file"
    data = await download(url, services.settings)
    try:
        base = await services.profiles.get(tenant_id)
    except ValueError:  # a saved profile the engine no longer accepts: the intake first
        base = None
    preview = build_preview(
        base,
        [ReceivedFile(name, data)],
        locale=locale,
        tenant_id=tenant_id,
        conversation_id=conversation_id_of(turn_context.activity) or "",
        today=services.clock().date(),
    )
    pending(services).put(preview)
    reply = MessageFactory.attachment(
        Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=build_preview_card(preview.view, locale))
    )
    await turn_context.send_activity(reply)


async def _button(turn_context: TurnContext, services: Services, value: dict, tenant_id: str,
                  locale: str) -> None:
    verb, preview_id = value.get("import"), value.get("preview")
    store = pending(services)
    preview = store.get(preview_id, tenant_id) if isinstance(preview_id, str) else None
    if preview is None or verb not in (APPLY, CANCEL):
        raise ImportProblem("expired")
    store.pop(preview.id)
    if verb == CANCEL:
        await turn_context.send_activity(t(locale, "imports.cancelled"))
        return
    # Only those who may change the data apply a file (owners; never guests): told who can otherwise,
    # and the preview stays for them to Cancel or for an owner to send again.
    from bot.trust import guard

    editor = await guard.guard_edit(turn_context, services)
    if editor is None:
        store.put(preview)
        return
    base = await guard.current_version(services, tenant_id)

    async def save(profile: Any) -> None:
        await guard.save_profile(services, tenant_id, profile, editor=editor, via="file_import", base=base)

    from bot.imports.preview import apply_import

    try:
        profile = await apply_import(services.profiles, tenant_id, preview, save)
    except guard.VersionConflictError as conflict:
        await turn_context.send_activity(guard.conflict_text(locale, conflict))
        return
    log.info(
        "import applied for tenant %s: %s",
        tenant_id,
        ", ".join(f.kind for f in preview.view.files),
        extra={"tenant_id": tenant_id},
    )
    scores = ", ".join(f"{t(locale, 'common.area.' + s.area)} {s.after}" for s in preview.view.scores)
    await turn_context.send_activity(t(locale, "imports.applied", people=len(profile.people), scores=scores))


def help_text(locale: str) -> str:
    from bot.imports.columns import column_map

    kinds = column_map().kinds
    lines = [t(locale, "imports.help_intro")]
    for kind in ("people", "acr"):
        spec = kinds[kind]
        lines.append(t(locale, f"imports.help_{kind}", columns=spec.template_header()))
    lines.append(t(locale, "imports.help_partner_center"))
    return "\n\n".join(lines)


def problem_text(locale: str, problem: ImportProblem) -> str:
    text = t(locale, f"imports.{problem.key}", **problem.params)
    if problem.key == "columns_not_recognised":
        from bot.imports.columns import column_map

        kinds = column_map().kinds
        wanted = [problem.params["expected"]] if problem.params.get("expected") else ["people", "acr"]
        text += "\n\n" + "\n\n".join(
            t(locale, f"imports.help_{kind}", columns=kinds[kind].template_header()) for kind in wanted
        )
    return text
