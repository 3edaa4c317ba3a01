"""An import reads the file once: one capped child process reads the Action Table,
Funding and Pledges sheets (``files.read_sheets``), each sheet's answer sent as soon
as it is read; a child that stops part way keeps what it had sent, and the rest is
"cannot be read", as when each sheet had a child of its own."""

from __future__ import annotations

import io
import multiprocessing
import os

from django.utils import translation

from actions.workbook import files
from actions.workbook.import_ import preview_import
from actions.workbook.labels import recognise
from actions.workbook.preview import UNCHANGED
from tests.actions.test_workbook_resources import _export
from tests.actions.test_workbook_resources import resources as resources


class _Counting:
    """multiprocessing's fork context, counting the processes made."""

    def __init__(self):
        self.real = multiprocessing.get_context("fork")
        self.made = 0

    def Pipe(self, *args, **kwargs):
        return self.real.Pipe(*args, **kwargs)

    def Process(self, *args, **kwargs):
        self.made += 1
        return self.real.Process(*args, **kwargs)


def _titled(key):
    return lambda title: recognise(title) == key


def test_a_preview_reads_the_three_sheets_in_one_child(resources, sofia_roadmap, monkeypatch):
    content = _export(sofia_roadmap)
    counting = _Counting()
    monkeypatch.setattr(files.multiprocessing, "get_context", lambda method: counting)
    with translation.override("en"):
        preview = preview_import(sofia_roadmap, io.BytesIO(content))
    assert counting.made == 1
    assert preview.change_count == 0 and preview.counts[UNCHANGED] == 2
    # The Funding and Pledges sheets came from the same reading.
    assert preview.resources.counts[UNCHANGED] == 6
    assert not preview.column_errors


def test_the_sheets_read_before_the_child_stops_are_kept(resources, sofia_roadmap):
    content = _export(sofia_roadmap)

    def stops(title: str) -> bool:
        # Called with "" in the server process (the warm-up), then in the child: stop it.
        if title:
            os._exit(1)
        return False

    with translation.override("en"):
        answers = files.read_sheets(
            io.BytesIO(content),
            [
                files.SheetRequest(_titled("sheet_funding"), max_rows=100),
                files.SheetRequest(stops, max_rows=100),
                files.SheetRequest(_titled("sheet_pledges"), max_rows=100),
            ],
        )
    funding, stopped, after = answers
    assert isinstance(funding, files.SheetRows) and len(funding.rows) == 4  # header + 3
    assert isinstance(stopped, files.Unreadable)
    assert isinstance(after, files.Unreadable)


def test_a_needed_sheet_that_cannot_be_read_stops_the_reading(resources, sofia_roadmap):
    content = _export(sofia_roadmap)
    with translation.override("en"):
        missing, rest = files.read_sheets(
            io.BytesIO(content),
            [
                files.SheetRequest(lambda title: title == "no such sheet", 100, needed=True),
                files.SheetRequest(_titled("sheet_funding"), max_rows=100),
            ],
        )
    assert isinstance(missing, files.SheetMissing)
    assert "Funding" in missing.sheet_names
    assert isinstance(rest, files.Unreadable)
    # Not needed, the same sheets are read on.
    with translation.override("en"):
        missing, funding = files.read_sheets(
            io.BytesIO(content),
            [
                files.SheetRequest(lambda title: title == "no such sheet", 100),
                files.SheetRequest(_titled("sheet_funding"), max_rows=100),
            ],
        )
    assert isinstance(missing, files.SheetMissing)
    assert isinstance(funding, files.SheetRows)


def test_too_many_rows_and_an_unreadable_file_are_answers(resources, sofia_roadmap):
    content = _export(sofia_roadmap)
    with translation.override("en"):
        (too_many,) = files.read_sheets(
            io.BytesIO(content), [files.SheetRequest(_titled("sheet_funding"), max_rows=2)]
        )
    assert isinstance(too_many, files.TooManyRows)
    first, second = files.read_sheets(
        io.BytesIO(b"not a workbook"),
        [files.SheetRequest(lambda title: True, 10), files.SheetRequest(lambda title: True, 10)],
    )
    assert isinstance(first, files.Unreadable) and isinstance(second, files.Unreadable)
