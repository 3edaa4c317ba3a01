"""Reading the Action Table sheet of an .xlsx, .ods or .xls file with python-calamine.

calamine returns what each cell shows: the cached result of a formula, a date
cell as a date, a number as a number, in all three formats alike. It builds
a sheet as one dense block from its first to its last cell holding a value,
so a crafted file with one value in A1 and one in XFD1048576 asks it for
17 billion cells, and the Rust allocator aborts the whole process. The file
is therefore read in a forked child whose address space and CPU time are
capped; it sends back only the rows that hold something (blank rows are
never counted nor sent), and a child that dies or overruns makes the file
"cannot be read", never a dead server process. One child reads every sheet an
import needs (the Action Table, Funding, Pledges: ``read_sheets``), each sheet's
answer sent as soon as it is read.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from . import ods_merges

# Room for calamine above what the process has mapped already: a sheet of
# 100,000 rows of 19 columns needs about 60 MB as calamine holds it.
CHILD_EXTRA_BYTES = 1024 * 1024 * 1024
CHILD_CPU_SECONDS = 60
CHILD_WAIT_SECONDS = 90
# Cells filled from merged ranges, at most (a crafted file may merge a range
# over every row many times over).
MAX_MERGED_CELLS = 5_000_000
# Rows of each sheet looked at to tell which is most like an Action Table.
SCORED_ROWS = 10


@dataclass
class SheetRows:
    """The rows of one sheet that hold a value: (row number from 1, values from column A)."""

    title: str
    rows: list[tuple[int, list]]
    # Every sheet of the workbook, in its order (the page offers them).
    sheet_names: list[str] = field(default_factory=list)


@dataclass
class SheetRequest:
    """A sheet to read: the first whose title ``wanted`` accepts, else (with ``score``)
    the one whose first rows score best; at most ``max_rows`` non-blank rows."""

    wanted: Callable[[str], bool]
    max_rows: int
    score: Callable[[list], int] | None = None
    # Without this sheet the caller reads none of the others: when it cannot be read
    # (missing, too many rows, unreadable), the child stops there.
    needed: bool = False


class TooManyRows(Exception):
    pass


class SheetMissing(Exception):
    def __init__(self, sheet_names=()):
        self.sheet_names = list(sheet_names or ())
        super().__init__(self.sheet_names)


class Unreadable(Exception):
    pass


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _scored(workbook, score: Callable[[list], int]) -> str | None:
    """The sheet whose first rows ``score`` likes best (None: it likes none)."""
    best, chosen = 0, None
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        if sheet.start is None:
            continue
        first = []
        for index, values in enumerate(sheet.iter_rows()):
            if not all(_blank(value) for value in values):
                first.append((index + 1, list(values)))
            if len(first) >= SCORED_ROWS or index >= SCORED_ROWS * 10:
                break
        points = score(first)
        if points > best:
            best, chosen = points, name
    return chosen


VISIBLE = SheetVisibleEnum.Visible


def _offered(workbook, title: str | None = None) -> list[str]:
    """The sheets the import page offers to choose from: those a spreadsheet shows,
    not the hidden ones (the app's own "Lists" sheet of dropdown values), but the
    one read if it is hidden."""
    hidden = {sheet.name for sheet in workbook.sheets_metadata if sheet.visible != VISIBLE}
    return [name for name in workbook.sheet_names if name not in hidden or name == title]


def _read(content: bytes, workbook, request: SheetRequest) -> tuple:
    """In the child: the sheet ``request`` asks for of the open ``workbook``, as
    ("rows", SheetRows), ("missing", the sheets' names) or ("too_many", None)."""
    title = next((name for name in workbook.sheet_names if request.wanted(name)), None)
    if title is None and request.score is not None:
        title = _scored(workbook, request.score)
    names = _offered(workbook, title)
    if title is None:
        return ("missing", names)
    sheet = workbook.get_sheet_by_name(title)
    if sheet.start is None:
        return ("rows", SheetRows(title, [], names))
    found, count, width = [], 0, 0
    for index, values in enumerate(sheet.iter_rows()):
        count, width = index + 1, max(width, len(values))
        if all(_blank(value) for value in values):
            continue
        if len(found) >= request.max_rows:
            return ("too_many", None)
        found.append((index, values))
    rows = _placed(found, count, width, sheet.start, sheet.end)
    merged = sheet.merged_cell_ranges
    if merged is None and content[:2] == b"PK":
        # An .ods: calamine gives no merged ranges of it (0.9); read them here.
        merged = ods_merges.merged_ranges(content, title)
    _fill_merged(rows, merged or ())
    return ("rows", SheetRows(title, sorted(rows.items()), names))


def _unreadable_answer(exc: Exception) -> tuple:
    return ("unreadable", f"{type(exc).__name__}: {exc}"[:500])


def _placed(found, count: int, width: int, start, end) -> dict[int, list]:
    """The rows by their number in the sheet, each from column A.

    ``iter_rows`` (0.9) yields the rows from the sheet's first row but the
    columns from the first one holding a value; ``to_python`` skips both. Which
    it did is told by how many rows and columns came, so this holds either way.
    """
    row_offset = 0 if count == end[0] + 1 else start[0]
    lead = [None] * (0 if width == end[1] + 1 else start[1])
    return {row_offset + index + 1: lead + list(values) for index, values in found}


def _fill_merged(rows: dict[int, list], merged) -> None:
    """Every cell of a merged range shows its first cell's value (.xlsx and .xls from
    calamine, .ods from ``ods_merges``)."""
    budget = MAX_MERGED_CELLS
    numbers = sorted(rows)
    for (first_row, first_column), (last_row, last_column) in merged:
        source = rows.get(first_row + 1)
        if source is None or first_column >= len(source):
            continue
        value = source[first_column]
        at = bisect_left(numbers, first_row + 1)
        while at < len(numbers) and numbers[at] <= last_row + 1:
            row = rows[numbers[at]]
            columns = range(first_column, min(last_column + 1, len(row)))
            for column in columns:
                row[column] = value
            budget -= len(columns) + 1
            if budget < 0:
                raise ValueError("more merged cells than a workbook of a roadmap holds")
            at += 1


def _address_space_now() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _child(connection, content: bytes, requests: list[SheetRequest]) -> None:
    try:
        mapped = _address_space_now()
        if mapped is not None:
            limit = mapped + CHILD_EXTRA_BYTES
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS))
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        except Exception as exc:
            # Every sheet of a file calamine refuses is unreadable.
            for _request in requests:
                connection.send(_unreadable_answer(exc))
            return
        with workbook:
            for request in requests:
                try:
                    answer = _read(content, workbook, request)
                except Exception as exc:
                    answer = _unreadable_answer(exc)
                kind = answer[0]
                connection.send(answer)
                del answer  # sent: the rows are not kept while the next sheet is read
                if request.needed and kind != "rows":
                    return
    finally:
        connection.close()
        # Nothing of the parent's (database connections, atexit) runs in the child.
        os._exit(0)


def _outcome(kind: str, value) -> SheetRows | Exception:
    if kind == "missing":
        return SheetMissing(value)
    if kind == "too_many":
        return TooManyRows()
    if kind == "unreadable":
        return Unreadable(value)
    return value


def read_sheets(fileobj: IO[bytes], requests: list[SheetRequest]) -> list[SheetRows | Exception]:
    """The non-blank rows of each sheet ``requests`` ask for, read by one child process:
    for each request, its ``SheetRows`` or what stopped it, SheetMissing, TooManyRows
    (more than its ``max_rows`` non-blank rows) or Unreadable (calamine refused the
    file, or the child died or overran). After a ``needed`` sheet that could not be
    read, and after the child stopped, the rest are Unreadable too (not read)."""
    fileobj.seek(0)
    content = fileobj.read()
    # Whatever ``wanted`` looks up once (the labels in every language) is looked up
    # here, so that the child only reads.
    for request in requests:
        request.wanted("")
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sending, content, requests))
    child.start()
    sending.close()
    answers: list[SheetRows | Exception] = []
    try:
        for request in requests:
            if not receiving.poll(CHILD_WAIT_SECONDS):
                answers.append(Unreadable("the reading took too long"))
                break
            try:
                answers.append(_outcome(*receiving.recv()))
            except EOFError:
                answers.append(Unreadable("the reading process stopped"))
                break
            if request.needed and not isinstance(answers[-1], SheetRows):
                break
    finally:
        receiving.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    while len(answers) < len(requests):
        answers.append(Unreadable("not read: an earlier sheet could not be"))
    return answers


def read_sheet(
    fileobj: IO[bytes],
    wanted: Callable[[str], bool],
    *,
    max_rows: int,
    score: Callable[[list], int] | None = None,
) -> SheetRows:
    """The non-blank rows of the first sheet whose title ``wanted`` accepts, else
    (with ``score``) of the sheet whose first rows score best.

    Raise SheetMissing, TooManyRows (more than ``max_rows`` non-blank rows) or
    Unreadable (calamine refused the file, or the child died or overran).
    """
    (answer,) = read_sheets(fileobj, [SheetRequest(wanted, max_rows, score)])
    if isinstance(answer, Exception):
        raise answer
    return answer
