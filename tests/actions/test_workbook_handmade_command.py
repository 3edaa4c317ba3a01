"""import_roadmap with a hand-made spreadsheet (issue 18): the page's suggestions,
overridden by --sheet, --map, --map-value and --default; --create-missing; the
mapping and what it creates printed (and as JSON); the second run 0 changes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from actions.models import Action, ImportMapping
from stakeholders.models import Organisation
from tests import factories
from tests.actions.handmade import EN_PLAN, workbook


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def plan(tmp_path, sofia):
    factories.organisation(
        sofia, "Столична община", kind="municipality", aliases="Sofia Municipality"
    )
    rows = [
        EN_PLAN,
        [1, "CSR awards", "Sofia Municipality", "Зелена София", "Q4 2022", "€15,000 / year",
         "Sponsors", "в процес", None],
        [2, "Volunteer day", "Sofia Municipality", None, "2023", "tbc", None, "to do", "yearly"],
    ]  # fmt: skip
    path = tmp_path / "plan.xlsx"
    workbook(rows, title="Sofia CSR action plan", sheet="Plan").save(path)
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_roadmap", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_mapping_and_what_is_not_found(sofia_roadmap, plan):
    out = io.StringIO()
    with pytest.raises(CommandError, match="correct the errors"):
        call_command("import_roadmap", sofia_roadmap.pk, str(plan), "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:13] == [
        "Sheet: “Plan”",
        "  A “#” → (ignored)",
        "  B “Action” → Action",
        "  C “Lead” → Lead partner",
        "  D “Partners” → Key partners",
        "  E “Timeframe” → Deadline",
        "  F “Budget (EUR)” → Estimated budget",
        "  G “Funding source” → kept in the description",
        "  H “Status” → Status",
        "  I “Comments” → kept in the description",
        "  Status: “to do” → (no entry: an error)",
        "  Status: “в процес” → in progress",
        "  Type of activity (not in the file): other",
    ]
    assert "Not found: organisation “Зелена София” (--create-missing creates it)" in lines


def test_json_with_options_and_create_missing_then_apply_and_again(sofia_roadmap, plan, editor):
    out = run(
        sofia_roadmap.pk, plan, "--dry-run", "--format", "json", "--create-missing",
        "--organisation-kind", "ngo", "--map-value", "status:to do=proposed",
        "--default", "activity_type=event", "--map", "Comments=ignore",
    )  # fmt: skip
    report = json.loads(out)
    assert report["sheet"] == "Plan" and report["sheets"] == ["Plan"]
    assert report["mapping"] == {
        "#": None,
        "Action": "title",
        "Lead": "lead_partner",
        "Partners": "key_partners",
        "Timeframe": "deadline",
        "Budget (EUR)": "budget",
        "Funding source": "note",
        "Status": "status",
        "Comments": None,
    }
    assert report["value_mappings"] == {"status": {"to do": "proposed", "в процес": "in_progress"}}
    assert report["defaults"] == {"activity_type": "event"}
    assert report["organisations_to_create"] == {"Зелена София": "ngo"}
    assert report["counts"]["new"] == 2
    first = report["rows"][0]
    assert first["interpretations"] == ["Deadline: Q4 2022 → 31.12.2022"]
    assert first["notes"] == [
        "budget “€15,000 / year” read as 15,000, the text kept in the resources"
    ]
    assert not Organisation.objects.filter(name="Зелена София").exists()

    out = run(
        sofia_roadmap.pk, plan, "--user", editor.username, "--create-missing",
        "--map-value", "status:to do=proposed",
    )  # fmt: skip
    assert "Will create organisation “Зелена София” (company)" in out
    assert "Imported 2 new and 0 changed actions." in out
    assert Action.objects.get(title="Volunteer day").activity_type == "other"
    assert ImportMapping.objects.filter(roadmap=sofia_roadmap).count() == 1
    # The second run: the remembered mapping ("to do") and the created organisation.
    out = run(sofia_roadmap.pk, plan, "--user", editor.username)
    assert "0 new, 0 changed, 2 unchanged, 0 conflicts, 0 with errors." in out
    assert "Imported" not in out


def test_bad_options_are_refused(sofia_roadmap, plan):
    with pytest.raises(CommandError, match="names no field"):
        run(sofia_roadmap.pk, plan, "--dry-run", "--map", "Lead=boss")
    with pytest.raises(CommandError, match="is no entry of status"):
        run(sofia_roadmap.pk, plan, "--dry-run", "--map-value", "status:x=maybe")
    with pytest.raises(CommandError, match="write --default as"):
        run(sofia_roadmap.pk, plan, "--dry-run", "--default", "title")
    with pytest.raises(CommandError, match="no sheet named “Other”"):
        run(sofia_roadmap.pk, plan, "--dry-run", "--sheet", "Other")
