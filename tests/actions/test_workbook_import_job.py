"""A workbook over ``BACKGROUND_ROWS`` rows is previewed and applied by jobs (issue 17):
the upload, the mapping step and the apply each go to a job's page; the preview it
opens shows exactly what the request's own preview shows; the apply writes all or
nothing, once; a failure is told; only the job's owner sees it, while they may still
edit the roadmap. (The suite runs tasks at once; tests/tasks runs a real worker.)"""

from __future__ import annotations

import pathlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from actions import services
from actions.models import Action, ImportMapping, WorkbookImport
from actions.workbook import preview_json
from actions.workbook.import_ import preview_import
from actions.workbook.preview import NEW
from jobs.models import Job
from stakeholders.models import Organisation
from tests import factories
from tests.actions.test_workbook_handmade_page import plan
from tests.actions.test_workbook_import import as_file, exported

HistoricalAction = Action.history.model


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.WORKBOOK_IMPORT_DIR = str(tmp_path / "imports")
    with translation.override("en"):
        yield


@pytest.fixture
def municipality(sofia):
    return factories.organisation(
        sofia, "Столична община", kind="municipality", aliases="Sofia Municipality"
    )


def url(roadmap) -> str:
    return reverse("actions:import", args=[roadmap.pk])


def upload(client, roadmap, content: bytes):
    return client.post(url(roadmap), {"workbook": SimpleUploadedFile("roadmap.xlsx", content)})


def through_job(client, response, kind: str):
    """The job a response sent its user to (done: the suite runs tasks at once), and
    what its page answers."""
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.order_by("-pk").first()
    assert response["Location"] == job.get_absolute_url()
    assert (job.kind, job.state) == (kind, Job.State.DONE), job.error
    return job, client.get(job.get_absolute_url())


def opened(client, response):
    """The preview page a preview job opens."""
    job, page = through_job(client, response, Job.Kind.IMPORT_PREVIEW)
    assert page.status_code == 302
    assert page["Location"] == job.result_url == f"{url(job_roadmap(job))}?job={job.pk}"
    return client.get(page["Location"])


def job_roadmap(job):
    from actions.models import Roadmap

    return Roadmap.objects.get(pk=job.params["roadmap"])


def _page(response) -> str:
    """The page with what differs between two uploads of one file taken out."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'nonce="[^"]*"', "", html)
    html = re.sub(r"\?job=\d+", "", html)  # the page's own address (the language form's)
    return re.sub(r'name="ticket" value="[^"]*"', 'name="ticket"', html)


@pytest.fixture
def edited(client, editor, sofia_roadmap, settings):
    """An export of four actions with one row changed and one added."""
    for n in range(4):
        factories.action(sofia_roadmap, title=f"Action {n}", activity_type="event")
    workbook = exported(client, editor, sofia_roadmap)
    sheet = workbook["Action Table"]
    sheet["A3"] = "Action 1, renamed"
    sheet.append(["Added in the file", "event"])
    settings.BACKGROUND_ROWS = 3
    return as_file(workbook).getvalue()


def test_a_large_upload_is_previewed_by_a_job_as_the_request_previews_it(
    client, editor, sofia_roadmap, edited, settings
):
    client.force_login(editor)
    settings.BACKGROUND_ROWS = 1000
    in_request = upload(client, sofia_roadmap, edited)
    assert in_request.status_code == 200
    settings.BACKGROUND_ROWS = 3

    response = upload(client, sofia_roadmap, edited)

    job = Job.objects.get()
    assert job.owner == editor and job.title == f"Preview of an import into {sofia_roadmap.title}"
    assert (job.rows_total, job.rows_read, job.rows_checked) == (5, 5, 5)
    page = opened(client, response)
    assert page.status_code == 200
    assert page.context["preview"] == in_request.context["preview"]
    assert page.context["counts"] == {"new": 1, "changed": 1, "unchanged": 3, "conflict": 0,
                                      "error": 0, "ignored": 0}  # fmt: skip
    assert _page(page) == _page(in_request)
    assert page.context["ticket"] == job.params["ticket"]
    # Nothing written by a preview.
    assert not sofia_roadmap.actions.filter(title="Added in the file").exists()


def test_the_preview_of_a_large_upload_is_applied_by_a_job_once(
    client, editor, sofia_roadmap, edited
):
    client.force_login(editor)
    page = opened(client, upload(client, sofia_roadmap, edited))
    ticket = page.context["ticket"]
    form = {"ticket": ticket}
    for name, value in page.context["hidden_fields"]:
        form.setdefault(name, []).append(value)

    job, done = through_job(client, client.post(url(sofia_roadmap), form), Job.Kind.IMPORT_APPLY)

    assert done.status_code == 200
    html = done.content.decode()
    assert "Imported: 1 new and 1 changed actions." in html
    assert f'href="{sofia_roadmap.get_absolute_url()}" id="job-result"' in html
    assert job.result_data == {"created": 1, "changed": 1}
    assert (job.rows_read, job.rows_checked, job.rows_written) == (5, 5, 2)
    assert job.back_url == sofia_roadmap.get_absolute_url()
    assert (
        sofia_roadmap.actions.filter(title__in=["Added in the file", "Action 1, renamed"]).count()
        == 2
    )
    assert WorkbookImport.objects.get().applied_by == editor
    # The upload was claimed: the form sent again imports nothing, as in a request.
    again = client.post(url(sofia_roadmap), form)
    assert again.status_code == 409
    assert "This workbook was already imported" in again.content.decode()
    assert sofia_roadmap.actions.count() == 5


def test_a_roadmap_changed_since_the_preview_is_a_conflict_and_nothing_is_written(
    client, editor, sofia_roadmap, edited
):
    client.force_login(editor)
    page = opened(client, upload(client, sofia_roadmap, edited))
    changed = sofia_roadmap.actions.get(title="Action 1")
    services.action_update(
        action=changed, data={"progress": 50}, by=editor, expected_version=changed.version
    )
    before = (Action.objects.count(), HistoricalAction.objects.count())

    response = client.post(url(sofia_roadmap), {"ticket": page.context["ticket"]})

    assert response.status_code == 302
    job = Job.objects.get(kind=Job.Kind.IMPORT_APPLY)
    assert job.state == Job.State.FAILED
    assert job.error == "The roadmap changed since the preview; nothing was imported."
    html = client.get(job.get_absolute_url()).content.decode()
    assert "It did not work, and nothing was kept." in html and job.error in html
    assert (Action.objects.count(), HistoricalAction.objects.count()) == before
    assert not WorkbookImport.objects.exists()


def test_a_row_refused_while_writing_leaves_nothing_written(
    client, editor, sofia_roadmap, edited, monkeypatch
):
    client.force_login(editor)
    page = opened(client, upload(client, sofia_roadmap, edited))
    written = services.actions_apply_import

    def refuse_after_writing(**kwargs):
        written(**kwargs)  # every row written, then a refusal: all of it rolled back
        raise services.RowRefused(7, ValueError("refused"))

    monkeypatch.setattr(services, "actions_apply_import", refuse_after_writing)
    before = (Action.objects.count(), HistoricalAction.objects.count())

    client.post(url(sofia_roadmap), {"ticket": page.context["ticket"]})

    job = Job.objects.get(kind=Job.Kind.IMPORT_APPLY)
    assert (job.state, job.error) == (Job.State.FAILED, "Nothing was imported: Row 7: refused")
    assert (Action.objects.count(), HistoricalAction.objects.count()) == before
    assert not WorkbookImport.objects.exists()


def test_a_failure_is_told_in_the_owners_language(editor, sofia_roadmap, preview_job):
    from actions import import_tasks
    from actions.workbook import uploads
    from jobs.services import job_run

    ticket = preview_job.params["ticket"]
    apply = Job.objects.create(
        owner=editor,
        kind=Job.Kind.IMPORT_APPLY,
        title="Import",
        params={"roadmap": sofia_roadmap.pk, "ticket": ticket, "form": ""},
        language="bg",
    )
    # The kept file is gone (expired, or dropped for a newer upload) before the apply.
    uploads.discard(ticket, roadmap_id=sofia_roadmap.pk, user_id=editor.pk)

    assert job_run(apply.pk, import_tasks._apply) == Job.State.FAILED

    apply.refresh_from_db()
    with translation.override("bg"):
        expected = translation.gettext(
            "The uploaded workbook is no longer available; upload it again."
        )
    assert (
        apply.error == expected != "The uploaded workbook is no longer available; upload it again."
    )


def test_the_mapping_step_of_a_large_hand_made_file_is_a_job_too(
    client, editor, sofia_roadmap, municipality, settings
):
    settings.BACKGROUND_ROWS = 1  # the plan's two actions under its title and header
    client.force_login(editor)
    first = opened(client, upload(client, sofia_roadmap, plan()))
    assert 'id="import-mapping"' in first.content.decode()
    assert first.context["ticket"] is None  # nothing to apply yet
    ticket = first.context["mapping_ticket"]
    choices = {
        "ticket": ticket,
        "refresh": "1",
        "sheet": "Plan",
        "map-value": ["status:to do=proposed"],
        "default": ["activity_type=event"],
        "create-organisation": ["зелена софия"],
        "kind:зелена софия": "ngo",
    }
    settings.BACKGROUND_ROWS = 1000
    in_request = client.post(url(sofia_roadmap), choices)
    settings.BACKGROUND_ROWS = 1

    second = opened(client, client.post(url(sofia_roadmap), choices))

    assert Job.objects.filter(kind=Job.Kind.IMPORT_PREVIEW).latest("pk").params["refresh"] is True
    preview = second.context["preview"]
    assert preview == in_request.context["preview"]
    assert preview.can_apply and [row.kind for row in preview.rows] == [NEW, NEW]
    assert _page(second) == _page(in_request)
    apply = {"ticket": second.context["ticket"]}
    for name, value in second.context["hidden_fields"]:
        apply.setdefault(name, []).append(value)
    job, _done = through_job(client, client.post(url(sofia_roadmap), apply), "import_apply")
    assert job.result_data == {"created": 2, "changed": 0}
    assert Action.objects.get(title="Volunteer day").status == "proposed"
    assert Organisation.objects.get(name="Зелена София").kind == "ngo"
    assert ImportMapping.objects.filter(roadmap=sofia_roadmap).count() == 1


def test_below_the_limit_nothing_goes_to_a_job(client, editor, sofia_roadmap, edited, settings):
    settings.BACKGROUND_ROWS = 5  # the file's five rows under its header
    client.force_login(editor)
    page = upload(client, sofia_roadmap, edited)
    assert page.status_code == 200
    applied = client.post(url(sofia_roadmap), {"ticket": page.context["ticket"]})
    assert applied.status_code == 302 and applied["Location"] == sofia_roadmap.get_absolute_url()
    assert not Job.objects.exists()


def test_a_preview_round_trips_through_json(sofia_roadmap, municipality, edited):
    import io
    import json

    from django.http import QueryDict

    from actions.workbook import mapping_form

    choices = QueryDict(mutable=True)
    choices.update({"create-organisation": "зелена софия", "kind:зелена софия": "ngo"})
    choices.setlist("map-value", ["status:to do=proposed"])
    choices.setlist("default", ["activity_type=event"])
    chosen = mapping_form.options(choices)
    for content, options in ((plan(), chosen), (edited, None)):
        preview = preview_import(sofia_roadmap, io.BytesIO(content), options=options)
        kept = json.loads(json.dumps(preview_json.encode(preview)))
        assert preview_json.decode(kept) == preview
        assert all(row.cells for row in preview.rows)
        assert any(row.data for row in preview.rows)


def test_only_the_import_s_own_types_are_made_again():
    with pytest.raises(TypeError):
        preview_json.decode({"__type__": "os.system", "items": ["true"]})
    with pytest.raises(TypeError):
        preview_json.decode({"__type__": "actions.workbook.uploads.Path", "items": ["/"]})
    with pytest.raises(TypeError):
        preview_json.encode(object())


# --- Who sees a job and its preview ----------------------------------------------------


@pytest.fixture
def second_editor(sofia):
    return factories.user("editor-2", role="editor", cities=[sofia])


@pytest.fixture
def preview_job(client, editor, sofia_roadmap, edited):
    client.force_login(editor)
    response = upload(client, sofia_roadmap, edited)
    client.logout()
    assert response.status_code == 302
    return Job.objects.get()


@pytest.mark.parametrize(
    ("who", "job_page", "preview_page"),
    [
        ("editor", 302, 200),  # the owner: the job page opens the preview
        ("second_editor", 404, 404),  # another editor of the roadmap's city
        ("moderator", 404, 404),  # the city's meetings' moderator
        ("other_editor", 404, 404),  # another city's editor (the import page: 404 too)
        ("partner", 404, 404),  # outside the working group: the roadmap is not theirs
        ("network_admin", 404, 404),
        ("anonymous", 302, 302),  # to the login page
    ],
)
def test_only_the_owner_sees_the_job_and_its_preview(
    client, request, preview_job, sofia_roadmap, who, job_page, preview_page
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    job = client.get(preview_job.get_absolute_url())
    preview = client.get(preview_job.result_url)
    assert (job.status_code, preview.status_code) == (job_page, preview_page)
    if who == "anonymous":
        assert job["Location"].startswith(reverse("login"))
        assert preview["Location"].startswith(reverse("login"))


def test_an_owner_who_may_no_longer_edit_the_roadmap_sees_it_no_more(client, editor, preview_job):
    from core.permissions import forget_access
    from stakeholders.models import CityAccess

    CityAccess.objects.filter(user=editor).delete()
    forget_access(editor)
    client.force_login(editor)
    assert client.get(preview_job.get_absolute_url()).status_code == 404
    assert client.get(preview_job.result_url).status_code == 404


def test_another_roadmap_or_kind_of_job_is_not_a_preview(
    client, editor, preview_job, sofia, sofia_roadmap
):
    client.force_login(editor)
    other = factories.roadmap(sofia, title="Another")
    assert client.get(f"{url(other)}?job={preview_job.pk}").status_code == 404
    assert client.get(f"{url(sofia_roadmap)}?job=x").status_code == 404
    Job.objects.filter(pk=preview_job.pk).update(kind=Job.Kind.EXPORT)
    assert client.get(preview_job.result_url).status_code == 404


def test_too_many_jobs_under_way_is_told_and_nothing_is_kept(
    client, editor, sofia_roadmap, edited, settings
):
    from jobs.services import MAX_OPEN_JOBS

    for n in range(MAX_OPEN_JOBS):
        Job.objects.create(owner=editor, kind=Job.Kind.EXPORT, title=f"Export {n}", language="en")
    client.force_login(editor)

    response = upload(client, sofia_roadmap, edited)

    assert response.status_code == 429
    assert "exports or imports under way" in response.content.decode()
    assert Job.objects.count() == MAX_OPEN_JOBS
    imports = pathlib.Path(settings.WORKBOOK_IMPORT_DIR)
    assert not any(imports.rglob("*.xlsx"))
