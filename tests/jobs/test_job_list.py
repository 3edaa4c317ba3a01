"""A user's exports and imports (``jobs:list``): their own jobs only, of roadmaps
they may still open, for every role; the query count does not grow with the jobs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actions.models import Roadmap
from jobs.models import Job
from stakeholders.models import CityAccess
from tests import factories

URL = "/jobs/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _job(owner, roadmap, kind=Job.Kind.EXPORT, **fields) -> Job:
    return Job.objects.create(
        owner=owner,
        kind=kind,
        title=f"Export of {roadmap.title}",
        language="en",
        params={"roadmap": roadmap.pk},
        **fields,
    )


def _listed(client) -> list[int]:
    response = client.get(URL)
    assert response.status_code == 200
    return [job.pk for job in response.context["jobs"]]


def test_the_url_is_named():
    assert reverse("jobs:list") == URL


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_each_user_sees_their_own_jobs_only(
    client, editor, other_editor, moderator, partner, sofia_roadmap, vratsa_roadmap
):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    mine = _job(editor, sofia_roadmap, state=Job.State.DONE)
    running = _job(editor, sofia_roadmap, state=Job.State.RUNNING, rows_total=4, rows_read=2)
    theirs = _job(other_editor, vratsa_roadmap)
    moderators = _job(moderator, sofia_roadmap)
    client.force_login(editor)
    assert _listed(client) == [running.pk, mine.pk]  # newest first
    html = client.get(URL).content.decode()
    assert "Export of Sofia CSR roadmap" in html and "Running · 25 %" in html
    assert f'href="{mine.get_absolute_url()}"' in html
    client.force_login(other_editor)
    assert _listed(client) == [theirs.pk]
    client.force_login(moderator)
    assert _listed(client) == [moderators.pk]
    client.force_login(partner)
    assert _listed(client) == []
    assert "None at the moment" in client.get(URL).content.decode()


def test_a_job_of_a_roadmap_no_longer_theirs_is_neither_listed_nor_opened(
    client, editor, sofia, sofia_roadmap
):
    sofia_roadmap.visibility = Roadmap.Visibility.PRIVATE
    sofia_roadmap.save()
    export = _job(editor, sofia_roadmap, state=Job.State.DONE)
    imported = _job(editor, sofia_roadmap, kind=Job.Kind.IMPORT_APPLY, state=Job.State.DONE)
    client.force_login(editor)
    assert set(_listed(client)) == {export.pk, imported.pk}
    CityAccess.objects.filter(user=editor, city=sofia).delete()
    assert _listed(client) == []
    assert client.get(export.get_absolute_url()).status_code == 404
    assert client.get(imported.get_absolute_url()).status_code == 404


def test_a_partners_import_is_theirs_while_they_partner_an_action_of_the_roadmap(
    client, partner, sofia_company, sofia_roadmap
):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    action = factories.action(sofia_roadmap, lead_partner=sofia_company)
    preview = _job(partner, sofia_roadmap, kind=Job.Kind.IMPORT_PREVIEW, state=Job.State.DONE)
    client.force_login(partner)
    assert _listed(client) == [preview.pk]
    action.lead_partner = None
    action.save()
    assert _listed(client) == []


@pytest.mark.parametrize("jobs", [1, 6])
def test_the_list_takes_the_same_queries_for_one_job_or_many(client, editor, sofia_roadmap, jobs):
    for _n in range(jobs):
        _job(editor, sofia_roadmap)
    _job(editor, sofia_roadmap, kind=Job.Kind.IMPORT_PREVIEW)
    client.force_login(editor)
    client.get(URL)  # the session's first request re-saves its last-seen time
    with CaptureQueriesContext(connection) as queries:
        assert len(_listed(client)) == jobs + 1
    # 1 the session, 2 the user, 3 the user's roles, 4 their cities and 5 the
    # organisation they speak for (Access), 6 the jobs (each kind's scope a subquery).
    assert len(queries) == 6, [query["sql"] for query in queries]
