"""An ASCII whole number, as the views, the meeting cockpit and the importer read one."""

import pytest

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
