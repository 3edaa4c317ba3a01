"""Sheet names and column headers of the workbook, in English and Bulgarian.

English labels are gettext message ids (marked with gettext_noop and
translated when used), so that the catalogue can translate them for any
language. Bulgarian headers are also spelled out here, in the words of the
Bulgarian interface (locale/bg): the export writes them and the import
recognises them whether or not the Bulgarian catalogue has been compiled, so a
Bulgarian workbook always comes back in.
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

# key: (English label, Bulgarian label)
LABELS: dict[str, tuple[str, str]] = {
    # Sheets
    "sheet_overview": (_("Overview"), "Обобщение"),
    "sheet_actions": (_("Action Table"), "Таблица за действия"),
    "sheet_timeline": (_("Timeline"), "Времева линия"),
    "sheet_indicators": (_("Indicators"), "Индикатори"),
    "sheet_partners": (_("Partners"), "Партньори"),
    "sheet_meetings": (_("Meetings"), "Срещи"),
    # Action Table columns (keys are Action field names where they are one)
    "title": (_("Action"), "Действие"),
    "activity_type": (_("Type of activity"), "Вид дейност"),
    "expected_results": (_("Expected results"), "Очаквани резултати"),
    "resources": (_("Necessary resources"), "Необходими ресурси"),
    "lead_partner": (_("Lead partner"), "Водещ партньор"),
    "key_partners": (_("Key partners"), "Ключови партньори"),
    "deadline": (_("Deadline"), "Срок"),
    "status": (_("Status"), "Статус"),
    "progress": (_("Progress (%)"), "Напредък (%)"),
    "indicators": (_("Indicators (baseline → target)"), "Индикатори (изходна → целева стойност)"),
    "start_date": (_("Start"), "Начало"),
    "challenge": (_("Challenge"), "Предизвикателство"),
    "description": (_("Description"), "Описание"),
    "budget": (_("Estimated budget"), "Прогнозен бюджет"),
    "currency": (_("Currency"), "Валута"),
    "people_days": (_("People-days"), "Човекодни"),
    "in_kind": (_("In-kind contributions"), "Непарични приноси"),
    "id": (_("ID"), "ID"),
    "version": (_("Version"), "Версия"),
    # Other sheets
    "roadmap": (_("Roadmap"), "Пътна карта"),
    "city": (_("City"), "Град"),
    "period": (_("Period"), "Период"),
    "roadmap_status": (_("Roadmap status"), "Статус на пътната карта"),
    "generated_at": (_("Generated at"), "Създаден на"),
    "filter": (_("Filter"), "Филтър"),
    "actions_count": (_("Actions"), "Действия"),
    "complete": (_("Tangible and measurable"), "Конкретни и измерими"),
    "complete_share": (_("Share tangible and measurable"), "Дял конкретни и измерими"),
    "per_status": (_("Actions per status"), "Действия по статус"),
    "per_challenge": (_("Actions per challenge"), "Действия по предизвикателство"),
    "count": (_("Number"), "Брой"),
    "no_challenge": (_("Not assigned to a challenge"), "Без предизвикателство"),
    "indicator": (_("Indicator"), "Индикатор"),
    "unit": (_("Unit"), "Мерна единица"),
    "baseline": (_("Baseline"), "Изходна стойност"),
    "target": (_("Target"), "Целева стойност"),
    "current": (_("Current value"), "Текуща стойност"),
    "source": (_("Source"), "Източник"),
    "organisation": (_("Organisation"), "Организация"),
    "kind": (_("Kind"), "Вид"),
    "sector": (_("Sector"), "Сектор"),
    "website": (_("Website"), "Уебсайт"),
    "leads": (_("Leads"), "Води"),
    "partners_in": (_("Key partner in"), "Ключов партньор в"),
    "date": (_("Date"), "Дата"),
    "number": (_("No."), "№"),
    "meeting": (_("Meeting"), "Среща"),
    "format": (_("Format"), "Формат"),
    "organisations_present": (_("Organisations present"), "Присъствали организации"),
    "decisions": (_("Decisions"), "Решения"),
    "next_steps": (_("Next steps"), "Следващи стъпки"),
    "summary": (_("Summary"), "Резюме"),
    "overdue": (_("overdue"), "просрочено"),
}

# Labels that workbooks exported before carried, before they took the words of
# the Bulgarian interface: the import still recognises them.
FORMER_LABELS: dict[str, tuple[str, ...]] = {
    "sheet_timeline": ("График",),
    "deadline": ("Краен срок",),
}

# Hidden sheet holding the dropdown lists; its name is in formulas, so it is fixed.
LISTS_SHEET = "Lists"


def label(key: str) -> str:
    """The label of ``key`` in the active language."""
    english, bulgarian = LABELS[key]
    if (translation.get_language() or "").startswith("bg"):
        return bulgarian
    return gettext(english)


def normalise(text: object) -> str:
    """Headers compare without case, surrounding space or doubled spaces."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


@cache
def _recognised(language_codes: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, former in FORMER_LABELS.items():
        for text in former:
            found[normalise(text)] = key
    for key, (english, bulgarian) in LABELS.items():
        found[normalise(bulgarian)] = key
        found[normalise(english)] = key
        for code in language_codes:
            with translation.override(code):
                found[normalise(gettext(english))] = key
    return found


def recognise(text: object) -> str | None:
    """The key whose label, in any of the site's languages, is ``text``."""
    if text is None:
        return None
    codes = tuple(code for code, _name in settings.LANGUAGES)
    return _recognised(codes).get(normalise(text))
