"""A blank Action Table to fill in by hand, in the reader's language: the Action
Table sheet with its headers and dropdowns for the list columns, and an
Instructions sheet saying what each column takes, with an example. The example is
not on the Action Table sheet: a row there is an action to the import, and a user who
forgets to delete an example row would import it. The template has no ID or Version
column, so it comes back in as a hand-made file: its rows are new, or the action of
the same title.
"""

from __future__ import annotations

import datetime
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..models import Action, Roadmap
from .cells import as_text, clean_text
from .labels import LISTS_SHEET, label

TEMPLATE_COLUMNS = (
    "title", "activity_type", "expected_results", "resources", "lead_partner", "key_partners",
    "start_date", "deadline", "status", "progress", "challenge", "description", "budget",
    "currency", "people_days", "in_kind",
)  # fmt: skip
LIST_COLUMNS = ("activity_type", "status", "currency", "challenge")


def _help() -> dict[str, str]:
    """What each column takes, for the Instructions sheet."""
    return {
        "title": _("Required. What is done, in a few words."),
        "activity_type": _("One of the list (the dropdown); empty: other."),
        "expected_results": _("What the action achieves, as text."),
        "resources": _("What the action needs (people, premises, money), as text."),
        "lead_partner": _(
            "One organisation of the working group, by its name or another name it goes by."
        ),
        "key_partners": _(
            "Organisations of the working group, separated by ; or one a line (a comma "
            "separates them too where each part is an organisation)."
        ),
        "start_date": _("A date (31.12.2030), a month (06.2030, юни 2030), a quarter or a year."),
        "deadline": _(
            "A date (31.12.2030), a month (06.2030), a quarter (Q2 2030), a year (2030), or a "
            "range (Q3 2030 – Q4 2031: the start and the deadline)."
        ),
        "status": _("One of the list (the dropdown); empty: proposed."),
        "progress": _("A whole number from 0 to 100, or a percentage."),
        "challenge": _("One of the roadmap's challenges (the dropdown); a new one is offered."),
        "description": _("Anything else about the action."),
        "budget": _("A number (15000, 15 000, €15,000); other text is kept in the resources."),
        "currency": _("EUR, BGN or HUF; empty: the roadmap's."),
        "people_days": _("A number of working days."),
        "in_kind": _("Contributions other than money, as text."),
    }


def _example(roadmap: Roadmap) -> dict:
    year = (roadmap.period_end or datetime.date.today()).year
    labels = {
        "activity_type": dict(Action.ActivityType.choices),
        "status": dict(Action.Status.choices),
    }
    return {
        "title": _("A campaign on sorting waste"),
        "activity_type": str(labels["activity_type"][Action.ActivityType.AWARENESS]),
        "expected_results": _("500 households reached"),
        "deadline": f"Q2 {year}",
        "status": str(labels["status"][Action.Status.PROPOSED]),
        "budget": 1500,
        "currency": "EUR",
    }


def write_template(roadmap: Roadmap, out: IO[bytes]) -> None:
    """The blank Action Table of ``roadmap`` in the active language, into ``out``."""
    book = Workbook()
    table = book.active
    table.title = label("sheet_actions")
    bold = Font(bold=True)
    table.append([label(key) for key in TEMPLATE_COLUMNS])
    for cell in table[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    table.freeze_panes = "A2"
    for index, key in enumerate(TEMPLATE_COLUMNS, start=1):
        table.column_dimensions[get_column_letter(index)].width = 40 if key == "title" else 22
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    entries = {
        "activity_type": [str(name) for _code, name in Action.ActivityType.choices],
        "status": [str(name) for _code, name in Action.Status.choices],
        "currency": [code for code, _name in Action.Currency.choices],
        "challenge": list(roadmap.challenges.values_list("title", flat=True)),
    }
    for list_index, key in enumerate(LIST_COLUMNS, start=1):
        values = entries[key]
        if not values:
            continue
        list_letter = get_column_letter(list_index)
        for row, value in enumerate(values, start=1):
            # A challenge's title is what a user typed: text, never a formula.
            as_text(lists.cell(row=row, column=list_index, value=clean_text(value)))
        validation = DataValidation(
            type="list",
            formula1=f"{LISTS_SHEET}!${list_letter}$1:${list_letter}${len(values)}",
            allow_blank=True,
            # A value of the file's own is let in: the import maps it.
            showErrorMessage=False,
        )
        letter = get_column_letter(TEMPLATE_COLUMNS.index(key) + 1)
        validation.add(f"{letter}2:{letter}1000")
        table.add_data_validation(validation)
    instructions = book.create_sheet(_("Instructions"))
    instructions.append(
        [
            _(
                "Fill in one action a row in the sheet “%(sheet)s”, then import the file on the roadmap's import page."
            )
            % {"sheet": table.title}
        ]
    )
    instructions.append([])
    instructions.append([_("Column"), _("What it takes"), _("Example")])
    for cell in instructions[3]:
        cell.font = bold
    help_texts = _help()
    example = _example(roadmap)
    for key in TEMPLATE_COLUMNS:
        instructions.append([label(key), help_texts[key], example.get(key)])
    for row in instructions.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    instructions.column_dimensions["A"].width = 28
    instructions.column_dimensions["B"].width = 70
    instructions.column_dimensions["C"].width = 30
    book.save(out)


def template_filename(roadmap: Roadmap) -> str:
    return f"action-table-template-{roadmap.pk}.xlsx"
