"""Why a change was made, as history keeps it: a code, read in the reader's language.

A history record outlives the language of the person whose change wrote it, so the
app stores a code ("imported", "accepted-in-meeting?number=3") and each page, the
admin's history included, writes it in the language of whoever reads it. A reason
that is no code (typed by a person, or a script's own words) is shown as written.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class HistoryReason(models.TextChoices):
    DEMO_DATA = "demo-data", _("demo data (load_demo)")
    IMPORTED = "imported", _("imported from a workbook")
    IMPORTED_AS_WRITTEN = "imported-as", _("imported from a workbook, read as: %(written)s")
    MOVED = "moved", _("moved in the table")
    MOVED_TO_CHALLENGE = "moved-to-challenge", _("moved to another challenge")
    INDICATORS_CHANGED = "indicators-changed", _("indicators changed")
    ACCEPTED_IN_MEETING = "accepted-in-meeting", _("accepted in meeting %(number)s")
    MEETING_HELD = "meeting-held", _("meeting held")
    MINUTES_APPROVED = "minutes-approved", _("minutes approved")
    ROW_DELETED = "row-deleted", _("Action Table row %(id)s deleted")
    RESTORED = "restored", _("restored after its removal")
    PLEDGED_IN_MEETING = "pledged-in-meeting", _("pledged in meeting %(number)s")
    PLEDGE_DELETED = "pledge-deleted", _("pledge %(id)s removed")


def history_reason(reason: HistoryReason, **params: object) -> str:
    """What history stores for ``reason`` with the values its text names
    (``history_reason(HistoryReason.ACCEPTED_IN_MEETING, number=3)``)."""
    return f"{reason.value}?{urlencode(params)}" if params else reason.value


def reason_text(stored: str | None) -> str:
    """A stored reason in the active language; a reason that is no code, as written."""
    if not stored:
        return ""
    code, _separator, query = stored.partition("?")
    try:
        reason = HistoryReason(code)
    except ValueError:
        return stored
    text = str(reason.label)
    if "%(" not in text:
        return text
    try:
        return text % dict(parse_qsl(query))
    except (KeyError, ValueError, TypeError):
        return stored


def _patterns() -> list[tuple[re.Pattern, HistoryReason]]:
    """Each reason's text as the app wrote it before codes, in every language."""
    patterns = []
    for reason in HistoryReason:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                text = re.escape(str(reason.label))
            # %(number)s was a whole number (a meeting's number, a row's id).
            text = re.sub(r"%\\\(([a-z_]+)\\\)s", r"(?P<\1>[0-9]+)", text)
            patterns.append((re.compile(f"{text}\\Z"), reason))
    return patterns


def recode_history(history_models) -> None:
    """Turn the reasons written as text (in the writer's language) into codes: the
    data migrations' step, for the historical models they pass."""
    patterns = _patterns()
    for model in history_models:
        stored = model.objects.exclude(history_change_reason__isnull=True)
        for text in stored.values_list("history_change_reason", flat=True).distinct():
            for pattern, reason in patterns:
                if match := pattern.match(text):
                    code = history_reason(reason, **match.groupdict())
                    stored.filter(history_change_reason=text).update(history_change_reason=code)
                    break


def uncode_history(history_models) -> None:
    """The reverse: codes back to English text, as before."""
    with translation.override("en"):
        for model in history_models:
            stored = model.objects.exclude(history_change_reason__isnull=True)
            for code in stored.values_list("history_change_reason", flat=True).distinct():
                text = reason_text(code)
                if text != code:
                    stored.filter(history_change_reason=code).update(history_change_reason=text)
