"""An ASCII whole number, as the views, the meeting cockpit and the importer read one."""

import pytest
from django import forms

from actions.workbook import reading
from core.numbers import whole_number

CASES = {
    "0": 0,
    "12": 12,
    "9" * 18: int("9" * 18),
    "9" * 19: None,  # past what a database integer holds
    "": None,
    "²": None,  # str.isdigit says yes; int refuses
    "٣": None,  # Arabic-Indic three: int would read 3
    "-1": None,
    "1.5": None,
    "1 2": None,
}


@pytest.mark.parametrize(("text", "number"), CASES.items())
def test_whole_number_takes_ascii_digits_only(text, number):
    assert whole_number(text) == number
    assert whole_number(None) is None


@pytest.mark.parametrize(("text", "number"), CASES.items())
@pytest.mark.parametrize(
    ("read", "written"),
    [
        (reading.whole_number, "{}"),
        (reading.whole_number, " {} "),
        # A percent sign only where a percentage is meant (progress), not in an ID.
        (reading.percent, "{}"),
        (reading.percent, "{}%"),
        (reading.percent, " {} % "),
    ],
)
def test_a_cell_reads_the_same_whole_number_with_spaces_and_a_percent_sign(
    text, number, read, written
):
    if number is None:
        with pytest.raises(reading.CellError):
            read(written.format(text))
    else:
        assert read(written.format(text)) == number


def test_an_id_with_a_percent_sign_is_not_a_whole_number():
    with pytest.raises(reading.CellError):
        reading.whole_number("12%")


# --- Decimals as the pages and forms write them (core.numbers.format_number) ---------

from decimal import Decimal  # noqa: E402

from django.utils import translation  # noqa: E402

from actions.models import Indicator  # noqa: E402
from core.forms import LocalizedDecimalField  # noqa: E402
from core.numbers import format_number  # noqa: E402

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("value", "bg", "en"),
    [
        (Decimal("15000.00"), f"15{NBSP}000", "15,000"),
        (Decimal("30.0"), "30", "30"),
        (Decimal("0.00"), "0", "0"),
        (Decimal("2.50"), "2,5", "2.5"),
        (Decimal("1234567.25"), f"1{NBSP}234{NBSP}567,25", "1,234,567.25"),
        (Decimal("100"), "100", "100"),
        (Decimal("-1500"), f"-1{NBSP}500", "-1,500"),
        (34, "34", "34"),
    ],
)
def test_numbers_are_written_as_each_language_writes_them(value, bg, en):
    with translation.override("bg"):
        assert format_number(value) == bg
    with translation.override("en"):
        assert format_number(value) == en
    assert format_number(None, "—") == "—"


@pytest.mark.parametrize(
    ("unit", "baseline", "target", "bg"),
    [
        ("брой", Decimal("0.00"), Decimal("30.00"), "Участници: 0 → 30 брой"),
        ("да/не", Decimal("0.00"), Decimal("1.00"), "Участници: не → да"),
        ("Да / Не", Decimal("1"), Decimal("0"), "Участници: да → не"),
        ("да/не", None, Decimal("1"), "Участници: ? → да"),
        ("лв.", Decimal("15000"), None, f"Участници: 15{NBSP}000 → ? лв."),
    ],
)
def test_an_indicator_reads_without_padding_decimals_and_yes_no_as_words(
    unit, baseline, target, bg
):
    with translation.override("bg"):
        assert (
            Indicator.text_of(name="Участници", unit=unit, baseline=baseline, target=target) == bg
        )
        assert Indicator(unit=unit, current=Decimal("34.00")).current_text() == "34"
        assert Indicator(unit="да/не", current=Decimal("1.00")).current_text() == "да"
    with translation.override("en"):
        assert Indicator(unit="yes/no", current=Decimal("0")).current_text() == "no"


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("bg", "15 000,50", Decimal("15000.50")),
        ("bg", f"15{NBSP}000", Decimal("15000")),
        ("bg", "2,5", Decimal("2.5")),
        ("bg", "2.5", Decimal("2.5")),
        ("en", "15,000.50", Decimal("15000.50")),
        ("en", "1,234,567", Decimal("1234567")),
        ("en", "2.5", Decimal("2.5")),
    ],
)
def test_a_decimal_is_typed_as_the_page_writes_it(language, typed, value):
    field = LocalizedDecimalField(max_digits=14, decimal_places=2, required=False)
    with translation.override(language):
        assert field.clean(typed) == value


@pytest.mark.parametrize(("language", "typed"), [("en", "2,5"), ("en", "1,00"), ("bg", "1,2,3")])
def test_a_decimal_that_could_be_misread_is_refused(language, typed):
    field = LocalizedDecimalField(max_digits=14, decimal_places=2)
    with translation.override(language), pytest.raises(forms.ValidationError):
        field.clean(typed)


def test_a_decimal_field_shows_its_value_as_the_page_writes_it():
    class Budget(forms.Form):
        budget = LocalizedDecimalField(max_digits=14, decimal_places=2)

    with translation.override("bg"):
        html = str(Budget(initial={"budget": Decimal("15000.00")})["budget"])
    assert f'value="15{NBSP}000"' in html and 'inputmode="decimal"' in html
    with translation.override("en"):
        html = str(Budget(initial={"budget": Decimal("2.50")})["budget"])
    assert 'value="2.5"' in html


# --- The forms that take decimals, typed as the page writes them --------------------

from django.urls import reverse  # noqa: E402

from tests import factories  # noqa: E402


def test_the_front_end_takes_and_shows_a_budget_as_bulgarian_writes_it(
    client, editor, sofia_roadmap
):
    action = factories.action(sofia_roadmap, title="Budgeted")
    client.force_login(editor)
    client.cookies["django_language"] = "bg"
    url = reverse("actions:action_edit", args=[action.pk])
    data = factories.action_form(action, budget="15 000,50", people_days="30,0")
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.budget, action.people_days) == (Decimal("15000.50"), Decimal("30"))
    html = client.get(url).content.decode()
    assert f'value="15{NBSP}000,5"' in html and 'value="30"' in html


def test_the_admin_takes_a_budget_as_bulgarian_writes_it(client, editor, sofia_roadmap):
    action = factories.action(sofia_roadmap, title="Budgeted")
    client.force_login(editor)
    client.cookies["django_language"] = "bg"
    url = reverse("admin:actions_action_change", args=[action.pk])
    response = client.post(url, factories.action_admin_form(action, budget=f"1{NBSP}500,25"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.budget == Decimal("1500.25")
    assert f'value="1{NBSP}500,25"' in client.get(url).content.decode()


def test_the_indicator_form_shows_the_comma_the_page_shows(client, editor, sofia_roadmap):
    action = factories.action(sofia_roadmap, title="Measured")
    factories.indicator(action, name="Trees", unit="брой", baseline=Decimal("2.50"), target=30)
    client.force_login(editor)
    client.cookies["django_language"] = "bg"
    form = client.get(reverse("actions:action_indicators", args=[action.pk])).content.decode()
    assert 'value="2,5"' in form and 'value="30"' in form
    page = client.get(action.get_absolute_url()).content.decode()
    assert ">2,5<" in page and ">30<" in page
