"""export_roadmap and import_roadmap from the command line."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from actions.models import Action
from tests import factories


@pytest.fixture
def roadmap_with_row(sofia_roadmap):
    factories.action(sofia_roadmap, title="School programme", activity_type="training")
    return sofia_roadmap


def test_export_roadmap_writes_the_workbook_in_the_chosen_language(roadmap_with_row, tmp_path):
    path = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("export_roadmap", roadmap_with_row.pk, "-o", str(path), "--lang", "bg", stdout=out)
    assert "Wrote 1 actions" in out.getvalue()
    workbook = openpyxl.load_workbook(path)
    # The words of the Bulgarian interface ("Времева линия", "Срок").
    with translation.override("bg"):
        funding, pledges = translation.gettext("Funding"), translation.gettext("Pledges")
    assert workbook.sheetnames[:8] == [
        "Обобщение",
        "Таблица за действия",
        "Времева линия",
        "Индикатори",
        "Партньори",
        funding,
        pledges,
        "Срещи",
    ]
    header = next(workbook["Таблица за действия"].iter_rows(max_row=1, values_only=True))
    assert "Срок" in header and "Краен срок" not in header
    timeline_header = next(  # below the two rows of its legend
        workbook["Времева линия"].iter_rows(min_row=3, max_row=3, values_only=True)
    )
    assert timeline_header[:3] == ("Действие", "Начало", "Срок")


def test_export_of_an_unknown_roadmap_fails(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_roadmap", 999, "-o", str(tmp_path / "x.xlsx"))


def _edited_export(roadmap, tmp_path) -> str:
    path = tmp_path / "roadmap.xlsx"
    call_command(
        "export_roadmap", roadmap.pk, "-o", str(path), "--lang", "en", stdout=io.StringIO()
    )
    workbook = openpyxl.load_workbook(path)
    workbook["Action Table"]["H2"] = "done"
    workbook.save(path)
    return str(path)


def test_import_dry_run_prints_the_preview_and_writes_nothing(roadmap_with_row, tmp_path):
    path = _edited_export(roadmap_with_row, tmp_path)
    out = io.StringIO()
    call_command("import_roadmap", roadmap_with_row.pk, path, "--dry-run", stdout=out)
    assert "0 new, 1 changed" in out.getvalue()
    assert "Status: proposed → done" in out.getvalue()
    assert Action.objects.get().status == "proposed"


def test_import_applies_as_the_named_editor(roadmap_with_row, editor, tmp_path):
    path = _edited_export(roadmap_with_row, tmp_path)
    out = io.StringIO()
    call_command("import_roadmap", roadmap_with_row.pk, path, "--user", editor.username, stdout=out)
    action = Action.objects.get()
    assert action.status == "done"
    assert action.history.latest().history_user == editor
    assert "Imported 0 new and 1 changed" in out.getvalue()


def test_import_needs_a_user_who_may_edit(roadmap_with_row, other_editor, tmp_path):
    path = _edited_export(roadmap_with_row, tmp_path)
    with pytest.raises(CommandError, match="--user"):
        call_command("import_roadmap", roadmap_with_row.pk, path, stdout=io.StringIO())
    with pytest.raises(CommandError, match="may not edit"):
        call_command(
            "import_roadmap",
            roadmap_with_row.pk,
            path,
            "--user",
            other_editor.username,
            stdout=io.StringIO(),
        )
    assert Action.objects.get().status == "proposed"


def test_import_refuses_a_file_that_is_not_a_workbook(roadmap_with_row, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("just text")
    with pytest.raises(CommandError, match="not a workbook the import reads"):
        call_command("import_roadmap", roadmap_with_row.pk, str(path), "--dry-run")


def test_import_text_preview_names_ignored_columns_and_rows_not_in_the_file(
    roadmap_with_row, tmp_path
):
    factories.action(roadmap_with_row, title="Not in the file")
    path = _edited_export(roadmap_with_row, tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Action Table"]
    sheet.insert_rows(1)
    sheet["A1"] = "Working copy"
    sheet["U2"] = "Comments"
    # The second action's row is deleted, as in LibreOffice.
    sheet.delete_rows(4)
    workbook.save(path)
    out = io.StringIO()
    call_command("import_roadmap", roadmap_with_row.pk, path, "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:4] == [
        "0 new, 1 changed, 0 unchanged, 0 conflicts, 0 with errors.",
        "Actions of the roadmap not in the file (left as they are): 1.",
        "Ignored columns: “Comments”",
        "Skipped rows above the header: 1",
    ]


def test_the_command_reads_a_table_past_the_pages_row_limit(
    roadmap_with_row, tmp_path, monkeypatch
):
    """The page's limit is what one request carries; the command has no request."""
    from actions.workbook import import_

    factories.action(roadmap_with_row, title="Second row")
    path = _edited_export(roadmap_with_row, tmp_path)
    monkeypatch.setattr(import_, "MAX_ROWS", 1)
    with open(path, "rb") as workbook, pytest.raises(import_.WorkbookRejected, match="more than 1"):
        import_.preview_import(roadmap_with_row, workbook)
    out = io.StringIO()
    call_command("import_roadmap", roadmap_with_row.pk, path, "--dry-run", stdout=out)
    assert "1 changed" in out.getvalue()


def test_on_the_command_line_a_bulgarian_preview_ends_in_bulgarian(
    roadmap_with_row, tmp_path, monkeypatch, capsys
):
    """Django prints a CommandError as "CommandError: …": an English word after a
    Bulgarian preview. The command prints the message alone and exits with 1."""
    from django.core.management.base import connections

    from actions.management.commands.import_roadmap import Command

    # run_from_argv closes the connections when done: the test's transaction with them.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = _edited_export(roadmap_with_row, tmp_path)
    workbook = openpyxl.load_workbook(path)
    workbook["Action Table"]["H2"] = "нещо"
    workbook.save(path)
    with translation.override("bg"), pytest.raises(SystemExit) as exited:
        Command().run_from_argv(
            ["manage.py", "import_roadmap", str(roadmap_with_row.pk), path, "--dry-run"]
        )
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == (
        "Нови: 0, променени: 0, без промяна: 0, конфликти: 0, с грешки: 1."
    )
    assert err == "Нищо не е импортирано: първо отстранете грешките и конфликтите.\n"


def test_the_commands_errors_on_the_command_line_are_the_message_alone(db, capsys, monkeypatch):
    from django.core.management.base import connections

    from actions.management.commands.export_roadmap import Command

    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "export_roadmap", "999", "-o", "/nonexistent"])
    assert exited.value.code == 1
    assert capsys.readouterr().err == "No roadmap with ID 999.\n"
    # --traceback (and call_command) still raise it.
    with pytest.raises(CommandError, match="No roadmap with ID 999"):
        Command().run_from_argv(
            ["manage.py", "export_roadmap", "999", "-o", "/nonexistent", "--traceback"]
        )
