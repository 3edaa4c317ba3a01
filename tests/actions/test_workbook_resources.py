"""The workbook's resources (issue 16): a Funding sheet (one row per funding line), a
Pledges sheet (one row per pledge, with what was delivered to date), and the Partners
sheet's sums of what each organisation pledged and delivered; laid out and printed
as the other sheets, typed text kept as typed, and opened by LibreOffice."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from actions.models import Delivery, FundingLine, Pledge
from actions.workbook.export import export_queryset, registered_sheets, write_workbook
from actions.workbook.resource_sheets import FUNDING_COLUMNS, PLEDGE_COLUMNS
from tests import factories
from tests.actions.test_workbook_in_libreoffice import soffice  # noqa: F401 (a fixture)

D = Decimal
ODD = "Кооперация „Зора“ \"quoted\" 'single'\nsecond line\r\nthird & <fourth>"
FORMULA = "=SUM(A1:A9)"


@pytest.fixture
def resources(sofia, sofia_roadmap, sofia_company):
    inclusion = factories.challenge(sofia_roadmap, title="Приобщаване")
    first = factories.action(
        sofia_roadmap, title="Платформа за доброволци", challenge=inclusion, budget=D(10000)
    )
    second = factories.action(sofia_roadmap, title="Second", budget=D(500), currency="BGN")
    ngo = factories.organisation(sofia, "Зелено НПО", kind="ngo")
    lines = [
        FundingLine.objects.create(
            action=first, programme="ESF+", amount=D("2500.50"), status="secured", note=ODD
        ),
        FundingLine.objects.create(
            action=first, funder=sofia_company, amount=D(1000), status="planned", note=FORMULA
        ),
        FundingLine.objects.create(
            action=second, programme="Общински бюджет", amount=D(200), currency="BGN"
        ),
    ]
    cash = Pledge.objects.create(
        action=first,
        organisation=sofia_company,
        kind="cash",
        amount=D(300),
        unit="EUR",
        description=ODD,
        date=datetime.date(2026, 3, 1),
    )
    hours = Pledge.objects.create(
        action=second,
        organisation=ngo,
        kind="volunteer_hours",
        amount=D(40),
        unit="hours",
        description=FORMULA,
        date=datetime.date(2026, 4, 2),
    )
    days = Pledge.objects.create(
        action=first, organisation=ngo, kind="pro_bono", amount=D(2), unit="days"
    )
    Delivery.objects.create(pledge=cash, amount=D(120))
    Delivery.objects.create(pledge=cash, amount=D(30))
    Delivery.objects.create(pledge=hours, amount=D(45))  # more than pledged
    return {"lines": lines, "pledges": [cash, hours, days], "ngo": ngo}


def _export(roadmap, language="en") -> bytes:
    out = io.BytesIO()
    with translation.override(language):
        write_workbook(
            roadmap,
            export_queryset(roadmap.actions.all()),
            out,
            now=datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.timezone.utc),
            extra_sheets=registered_sheets(),
        )
    return out.getvalue()


def _rows(content: bytes, name: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook[name].iter_rows(values_only=True))


def test_the_funding_sheet_has_a_row_per_funding_line(resources, sofia_roadmap, sofia_company):
    header, *rows = _rows(_export(sofia_roadmap), "Funding")
    assert header == (
        "Action",
        "Action ID",
        "Funder",
        "Funder (programme)",
        "Amount",
        "Currency",
        "Funding status",
        "Note",
        "ID",
        "Version",
    )
    lines = resources["lines"]
    assert len(rows) == len(lines)
    by_id = {row[8]: row for row in rows}
    esf, company, budget = (by_id[line.pk] for line in lines)
    assert esf[:7] == (
        "Платформа за доброволци",
        lines[0].action_id,
        None,
        "ESF+",
        2500.5,
        "EUR",
        "secured",
    )
    assert company[2:4] == (sofia_company.name, None)
    assert budget[3:7] == ("Общински бюджет", 200, "BGN", "planned")
    assert esf[9] == 1


def test_the_pledges_sheet_has_a_row_per_pledge_with_delivered_to_date(resources, sofia_roadmap):
    header, *rows = _rows(_export(sofia_roadmap), "Pledges")
    assert header == (
        "Action",
        "Action ID",
        "Organisation",
        "Kind of contribution",
        "Amount",
        "Unit",
        "Date pledged",
        "Description",
        "Delivered to date",
        "ID",
        "Version",
    )
    cash, hours, days = resources["pledges"]
    by_id = {row[9]: row for row in rows}
    assert len(rows) == 3
    assert by_id[cash.pk][2:7] == (
        cash.organisation.name,
        "cash",
        300,
        "EUR",
        datetime.datetime(2026, 3, 1),
    )
    assert by_id[cash.pk][8] == 150
    assert by_id[hours.pk][3:6] == ("volunteer hours", 40, "hours")
    assert by_id[hours.pk][8] == 45  # over-delivered, as recorded
    assert by_id[days.pk][8] == 0


def test_typed_text_survives_cyrillic_quotes_new_lines_and_formulas(resources, sofia_roadmap):
    content = _export(sofia_roadmap)
    expected = ODD.replace("\r\n", "\n")
    funding = {row[8]: row for row in _rows(content, "Funding")[1:]}
    pledges = {row[9]: row for row in _rows(content, "Pledges")[1:]}
    lines, (cash, hours, _days) = resources["lines"], resources["pledges"]
    assert funding[lines[0].pk][7] == expected
    assert funding[lines[1].pk][7] == FORMULA
    assert pledges[cash.pk][7] == expected
    assert pledges[hours.pk][7] == FORMULA
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["Pledges"]
    formula_cell = next(row[7] for row in sheet.iter_rows(min_row=2) if row[9].value == hours.pk)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix


@pytest.mark.parametrize(
    ("name", "columns"), [("Funding", FUNDING_COLUMNS), ("Pledges", PLEDGE_COLUMNS)]
)
def test_the_sheets_are_laid_out_and_print_as_the_others(resources, sofia_roadmap, name, columns):
    workbook = openpyxl.load_workbook(io.BytesIO(_export(sofia_roadmap)))
    sheet = workbook[name]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["A"].width == pytest.approx(columns[0][1], abs=1)
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$1"
    assert "&A" in sheet.oddHeader.center.text
    header = sheet["A1"]
    assert header.font.b
    assert all(cell.font.name == "Arial" for row in sheet.iter_rows() for cell in row if cell.value)


def test_the_sheets_are_in_the_readers_language(resources, sofia_roadmap):
    workbook = openpyxl.load_workbook(io.BytesIO(_export(sofia_roadmap, "bg")))
    with translation.override("bg"):
        funding, pledges = translation.gettext("Funding"), translation.gettext("Pledges")
        cash = translation.gettext("cash")
    assert {funding, pledges} <= set(workbook.sheetnames)
    kinds = [row[3] for row in workbook[pledges].iter_rows(min_row=2, values_only=True)]
    assert cash in kinds


def test_the_partners_sheet_sums_what_each_organisation_pledged_and_delivered(
    resources, sofia_roadmap, sofia_company
):
    header, *rows = _rows(_export(sofia_roadmap), "Partners")
    assert header[6:] == (
        "Pledged (EUR)",
        "Delivered (EUR)",
        "Pledged (hours)",
        "Delivered (hours)",
        "Pledged (days)",
        "Delivered (days)",
    )
    by_name = {row[0]: row for row in rows}
    # The NGO neither leads nor partners: it is listed for its pledges.
    assert by_name[resources["ngo"].name][6:] == (None, None, 40, 45, 2, 0)
    assert by_name[sofia_company.name][6:] == (300, 150, None, None, None, None)


def test_partners_sheet_without_pledges_has_its_six_columns(sofia_roadmap, sofia_company):
    factories.action(sofia_roadmap, lead_partner=sofia_company)
    header = _rows(_export(sofia_roadmap), "Partners")[0]
    assert len(header) == 6


def test_libreoffice_opens_the_sheets_and_keeps_them(soffice, resources, sofia_roadmap, tmp_path):  # noqa: F811
    exported = tmp_path / "roadmap.xlsx"
    exported.write_bytes(_export(sofia_roadmap, "bg"))
    for through in ("ods", "xlsx:Calc MS Excel 2007 XML"):
        saved = soffice(exported, through)
        back = saved if saved.suffix == ".xlsx" else soffice(saved, "xlsx:Calc MS Excel 2007 XML")
        original = openpyxl.load_workbook(exported)
        reopened = openpyxl.load_workbook(back)
        with translation.override("bg"):
            names = [translation.gettext(name) for name in ("Funding", "Pledges", "Partners")]
        for name in names:
            before = list(original[name].iter_rows(values_only=True))
            after = [
                row
                for row in reopened[name].iter_rows(values_only=True)
                if any(value is not None for value in row)
            ]
            assert [tuple(_same(v) for v in row) for row in after] == [
                tuple(_same(v) for v in row) for row in before
            ], name


def _same(value):
    """A value as both files hold it: numbers as numbers, text as text, "" as None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value if value != "" else None


def test_the_choices_are_offered_as_dropdowns(resources, sofia_roadmap):
    workbook = openpyxl.load_workbook(io.BytesIO(_export(sofia_roadmap)))
    funding = {
        str(v.sqref): v.formula1 for v in workbook["Funding"].data_validations.dataValidation
    }
    pledges = {
        str(v.sqref): v.formula1 for v in workbook["Pledges"].data_validations.dataValidation
    }
    assert funding["G2:G1048576"] == '"planned,requested,secured,received"'
    assert funding["F2:F1048576"].startswith('"EUR,BGN')
    assert "volunteer hours" in pledges["D2:D1048576"]
    assert pledges["F2:F1048576"] == '"BGN,EUR,hours,days,pieces"'
