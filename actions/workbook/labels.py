"""Sheet names and column headers of the workbook.

Each label is a message of the gettext catalogue (marked with gettext_noop,
translated when used), so the workbook is written in the words the interface
uses in the reader's language, and a translator's fix reaches it. The import
recognises a header in any of the site's languages, and also the labels that
workbooks exported before carried (``FORMER_LABELS``), so that an old file
still comes back in whatever the catalogue says today.
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from core.text import NOT_IN_XML

# key: the label's message id
LABELS: dict[str, str] = {
    # Sheets
    "sheet_overview": _("Overview"),
    "sheet_actions": _("Action Table"),
    "sheet_timeline": _("Timeline"),
    "sheet_indicators": _("Indicators"),
    "sheet_partners": _("Partners"),
    "sheet_meetings": _("Meetings"),
    # Action Table columns (keys are Action field names where they are one)
    "title": _("Action"),
    "activity_type": _("Type of activity"),
    "expected_results": _("Expected results"),
    "resources": _("Necessary resources"),
    "lead_partner": _("Lead partner"),
    "key_partners": _("Key partners"),
    "deadline": _("Deadline"),
    "status": _("Status"),
    "progress": _("Progress (%)"),
    "indicators": _("Indicators (baseline → target)"),
    "start_date": _("Start"),
    "challenge": _("Challenge"),
    "description": _("Description"),
    "budget": _("Estimated budget"),
    "currency": _("Currency"),
    "people_days": _("People-days"),
    "in_kind": _("In-kind contributions"),
    "id": _("ID"),
    "version": _("Version"),
    # Other sheets
    "roadmap": _("Roadmap"),
    "city": _("City"),
    "period": _("Period"),
    "roadmap_status": _("Roadmap status"),
    "generated_at": _("Generated at"),
    "filter": _("Filter"),
    "actions_count": _("Actions"),
    "complete": _("Tangible and measurable"),
    "complete_share": _("Share tangible and measurable"),
    "per_status": _("Actions per status"),
    "per_challenge": _("Actions per challenge"),
    "count": _("Number"),
    "no_challenge": _("Not assigned to a challenge"),
    "indicator": _("Indicator"),
    "unit": _("Unit"),
    "baseline": _("Baseline"),
    "target": _("Target"),
    "current": _("Current value"),
    "source": _("Source"),
    "organisation": _("Organisation"),
    "kind": _("Kind"),
    "sector": _("Sector"),
    "website": _("Website"),
    "leads": _("Leads"),
    "partners_in": _("Key partner in"),
    "date": _("Date"),
    "number": _("No."),
    "meeting": _("Meeting"),
    "format": _("Format"),
    "organisations_present": _("Organisations present"),
    "decisions": _("Decisions"),
    "next_steps": _("Next steps"),
    "summary": _("Summary"),
    "overdue": _("overdue"),
    # Resources: the Overview's totals, the Funding and Pledges sheets, the Partners' sums
    "sheet_funding": _("Funding"),
    "sheet_pledges": _("Pledges"),
    "funding_per_challenge": _("Cost, secured and gap per challenge"),
    "whole_roadmap": _("Whole roadmap"),
    "cost": _("Estimated cost"),
    "funded": _("Funded"),
    "secured": _("Secured"),
    "gap": _("Gap"),
    "pledges_per_kind": _("Pledged and delivered per kind"),
    "funder": _("Funder"),
    "funder_programme": _("Funder (programme)"),
    "amount": _("Amount"),
    "funding_status": _("Funding status"),
    "note": _("Note"),
    "pledge_kind": _("Kind of contribution"),
    "pledged": _("Pledged"),
    "delivered": _("Delivered to date"),
    "date_pledged": _("Date pledged"),
    "action_id": _("Action ID"),
}

# What workbooks exported before wrote, in English and Bulgarian (read only:
# the export writes LABELS). Until issue 11 the Bulgarian labels were spelled
# out here rather than taken from the catalogue; before that, two were other
# words ("График", "Краен срок").
FORMER_LABELS: dict[str, tuple[str, ...]] = {
    "sheet_overview": ("Overview", "Обобщение"),
    "sheet_actions": ("Action Table", "Таблица за действия"),
    "sheet_timeline": ("Timeline", "Времева линия", "График"),
    "sheet_indicators": ("Indicators", "Индикатори"),
    "sheet_partners": ("Partners", "Партньори"),
    "sheet_meetings": ("Meetings", "Срещи"),
    "title": ("Action", "Действие"),
    "activity_type": ("Type of activity", "Вид дейност"),
    "expected_results": ("Expected results", "Очаквани резултати"),
    "resources": ("Necessary resources", "Необходими ресурси"),
    "lead_partner": ("Lead partner", "Водещ партньор"),
    "key_partners": ("Key partners", "Ключови партньори"),
    "deadline": ("Deadline", "Срок", "Краен срок"),
    "status": ("Status", "Статус"),
    "progress": ("Progress (%)", "Напредък (%)"),
    "indicators": ("Indicators (baseline → target)", "Индикатори (изходна → целева стойност)"),
    "start_date": ("Start", "Начало"),
    "challenge": ("Challenge", "Предизвикателство"),
    "description": ("Description", "Описание"),
    "budget": ("Estimated budget", "Прогнозен бюджет"),
    "currency": ("Currency", "Валута"),
    "people_days": ("People-days", "Човекодни"),
    "in_kind": ("In-kind contributions", "Непарични приноси"),
    "id": ("ID",),
    "version": ("Version", "Версия"),
    "roadmap": ("Roadmap", "Пътна карта"),
    "city": ("City", "Град"),
    "period": ("Period", "Период"),
    "roadmap_status": ("Roadmap status", "Статус на пътната карта"),
    "generated_at": ("Generated at", "Създаден на"),
    "filter": ("Filter", "Филтър"),
    "actions_count": ("Actions", "Действия"),
    "complete": ("Tangible and measurable", "Конкретни и измерими"),
    "complete_share": ("Share tangible and measurable", "Дял конкретни и измерими"),
    "per_status": ("Actions per status", "Действия по статус"),
    "per_challenge": ("Actions per challenge", "Действия по предизвикателство"),
    "count": ("Number", "Брой"),
    "no_challenge": ("Not assigned to a challenge", "Без предизвикателство"),
    "indicator": ("Indicator", "Индикатор"),
    "unit": ("Unit", "Мерна единица"),
    "baseline": ("Baseline", "Изходна стойност"),
    "target": ("Target", "Целева стойност"),
    "current": ("Current value", "Текуща стойност"),
    "source": ("Source", "Източник"),
    "organisation": ("Organisation", "Организация"),
    "kind": ("Kind", "Вид"),
    "sector": ("Sector", "Сектор"),
    "website": ("Website", "Уебсайт"),
    "leads": ("Leads", "Води"),
    "partners_in": ("Key partner in", "Ключов партньор в"),
    "date": ("Date", "Дата"),
    "number": ("No.", "№"),
    "meeting": ("Meeting", "Среща"),
    "format": ("Format", "Формат"),
    "organisations_present": ("Organisations present", "Присъствали организации"),
    "decisions": ("Decisions", "Решения"),
    "next_steps": ("Next steps", "Следващи стъпки"),
    "summary": ("Summary", "Резюме"),
    "overdue": ("overdue", "просрочено"),
}

# Hidden sheet holding the dropdown lists; its name is in formulas, so it is fixed.
LISTS_SHEET = "Lists"


def label(key: str) -> str:
    """The label of ``key`` in the active language."""
    return gettext(LABELS[key])


def normalise(text: object) -> str:
    """Headers compare without case, surrounding space or doubled spaces; names too,
    and without the characters a cell cannot hold (``core.text``), so that a name
    saved with one matches the name the workbook wrote without it."""
    return re.sub(r"\s+", " ", NOT_IN_XML.sub("", str(text))).strip().casefold()


@cache
def _recognised(language_codes: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, former in FORMER_LABELS.items():
        for text in former:
            found[normalise(text)] = key
    for key, message in LABELS.items():
        found[normalise(message)] = key
        for code in language_codes:
            with translation.override(code):
                found[normalise(gettext(message))] = key
    return found


def recognise(text: object) -> str | None:
    """The key whose label, in any of the site's languages or as workbooks exported
    before wrote it, is ``text``."""
    if text is None:
        return None
    codes = tuple(code for code, _name in settings.LANGUAGES)
    return _recognised(codes).get(normalise(text))
