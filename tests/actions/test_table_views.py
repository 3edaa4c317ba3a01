"""The roadmap list and the Action Table page, for every role."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from actions.models import Roadmap
from actions.views.table_pages import PER_PAGE
from tests import factories


@pytest.fixture
def table(sofia_roadmap, sofia_company, sofia):
    """Sofia's roadmap with two challenges and three rows."""
    economic = factories.challenge(sofia_roadmap, title="Local economy", strand="economic")
    social = factories.challenge(sofia_roadmap, title="Inclusion", strand="social")
    ngo = factories.organisation(sofia, "Green NGO", kind="ngo")
    done = factories.action(
        sofia_roadmap, challenge=economic, title="CSR awards", status="done", lead_partner=ngo
    )
    ours = factories.action(
        sofia_roadmap,
        challenge=social,
        title="School programme",
        lead_partner=ngo,
        key_partners=[sofia_company],
        deadline=timezone.localdate() - datetime.timedelta(days=3),
        status="in_progress",
        resources="Two trainers",
        activity_type="training",
    )
    factories.indicator(ours, name="Schools", baseline=0, target=12)
    other = factories.action(sofia_roadmap, challenge=social, title="Urban greening")
    return {"done": done, "ours": ours, "other": other, "ngo": ngo}


def _url(roadmap, **query):
    url = reverse("actions:roadmap", args=[roadmap.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_editor_sees_table_grouped_by_challenge_with_edit_controls(
    client, editor, table, sofia_roadmap
):
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap))
    assert response.status_code == 200
    html = response.content.decode()
    html = html[html.index('class="table table-sm action-table"') :]
    assert html.index("Local economy") < html.index("CSR awards") < html.index("Inclusion")
    assert html.index("Inclusion") < html.index("School programme")
    assert reverse("actions:action_edit", args=[table["ours"].pk]) in html
    assert "Add action" in html


def test_overdue_row_is_marked_and_completeness_counted(client, editor, table, sofia_roadmap):
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap))
    html = response.content.decode()
    assert f'id="action-{table["ours"].pk}" class="action-row overdue"' in html
    assert response.context["complete"] == 1
    assert response.context["total"] == 3


def _row_html(html, action):
    """The <tr> of ``action``, whitespace collapsed and the CSRF token left out
    (it is masked afresh for each response)."""
    start = html.index(f'<tr id="action-{action.pk}"')
    row = html[start : html.index("</tr>", start) + len("</tr>")]
    row = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", row)
    return " ".join(row.split())


def test_row_speaks_the_users_language(client, editor, table, sofia_roadmap):
    ours = table["ours"]
    ours.budget = Decimal("1500.50")
    ours.people_days = Decimal("2.5")
    ours.start_date = datetime.date(2024, 3, 1)
    ours.save()
    factories.indicator(ours, name="Teachers", baseline=Decimal("1.5"), current=Decimal("0.5"))
    client.force_login(editor)
    page = client.get(_url(sofia_roadmap), HTTP_ACCEPT_LANGUAGE="bg").content.decode()
    row = _row_html(page, ours)
    # Thousands grouped with a no-break space, no padding decimals (core.numbers);
    # _row_html writes every space as " ".
    assert "1\xa0500,5 EUR" in page
    assert "1 500,5 EUR · 2,5 човекодни" in row
    # The indicator as Indicator.text writes it (as the workbook does, no trailing zeros).
    assert "Teachers: 1,5 → ? (сега 0,5)" in " ".join(re.sub("<[^>]+>", " ", row).split())
    assert "01.03.2024" in row
    assert ours.deadline.strftime("%d.%m.%Y") in row
    assert '<span class="badge text-bg-danger">просрочено</span>' in row
    assert 'aria-label="Редактирай School programme">Редактирай</a>' in row
    assert 'aria-label="Премахни School programme">Премахни</a>' in row
    # The first row of its challenge moves down only: ↑ is not offered.
    assert 'title="Премести надолу"' in row and 'title="Премести нагоре"' not in row
    assert '<span class="badge text-bg-success">пълно</span>' in row
    assert 'aria-label="Напредък"' in row
    other = _row_html(page, table["other"])
    assert '<span class="badge text-bg-warning">непълно</span>' in other
    assert "Липсва: водещ партньор, срок" in other


def test_swapped_row_is_the_row_of_the_page(client, editor, table, sofia_roadmap):
    """The htmx row view and the page render the same partial from the same TableRow."""
    client.force_login(editor)
    for language in ("en", "bg"):
        page = client.get(_url(sofia_roadmap), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for action in (table["done"], table["ours"], table["other"]):
            swapped = client.get(
                reverse("actions:action_row", args=[action.pk]),
                HTTP_ACCEPT_LANGUAGE=language,
                HTTP_HX_REQUEST="true",
            ).content.decode()
            assert _row_html(swapped, action) == _row_html(page, action)


def test_moderator_and_network_admin_can_edit(
    client, moderator, network_admin, table, sofia_roadmap
):
    for user in (moderator, network_admin):
        client.force_login(user)
        response = client.get(_url(sofia_roadmap))
        assert response.status_code == 200
        assert response.context["can_edit"] is True


def test_partner_sees_partner_roadmap_without_edit_controls(client, partner, table, sofia_roadmap):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    client.force_login(partner)
    response = client.get(_url(sofia_roadmap))
    assert response.status_code == 200
    html = response.content.decode()
    assert "School programme" in html
    # Their organisation partners "ours": its progress they update (issue 16), nothing else.
    assert reverse("actions:action_edit", args=[table["ours"].pk]) in html
    assert reverse("actions:action_edit", args=[table["other"].pk]) not in html
    assert reverse("actions:action_delete", args=[table["ours"].pk]) not in html
    assert reverse("actions:action_move", args=[table["ours"].pk]) not in html
    assert "Add action" not in html
    assert response.context["can_edit"] is False
    assert [row.title for row in response.context["rows"] if row.can_update] == ["School programme"]


def test_partner_our_actions_filter(client, partner, table, sofia_roadmap):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    client.force_login(partner)
    response = client.get(_url(sofia_roadmap, ours="true"))
    assert [row.title for row in response.context["rows"]] == ["School programme"]


def test_partner_cannot_see_private_roadmap(client, partner, table, sofia_roadmap):
    client.force_login(partner)
    assert client.get(_url(sofia_roadmap)).status_code == 404


def test_editor_of_another_city_gets_404_for_private_roadmap(
    client, other_editor, table, sofia_roadmap
):
    client.force_login(other_editor)
    assert client.get(_url(sofia_roadmap)).status_code == 404


def test_editor_of_another_city_reads_public_roadmap_without_edit(
    client, other_editor, table, sofia_roadmap
):
    sofia_roadmap.visibility = Roadmap.Visibility.PUBLIC
    sofia_roadmap.save()
    client.force_login(other_editor)
    response = client.get(_url(sofia_roadmap))
    assert response.status_code == 200
    assert response.context["can_edit"] is False


def test_anonymous_is_sent_to_login_for_private_roadmap(client, sofia_roadmap):
    response = client.get(_url(sofia_roadmap))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_anonymous_reads_public_roadmap(client, table, sofia_roadmap):
    sofia_roadmap.visibility = Roadmap.Visibility.PUBLIC
    sofia_roadmap.save()
    response = client.get(_url(sofia_roadmap))
    assert response.status_code == 200
    assert "School programme" in response.content.decode()


def test_anonymous_gets_login_for_unknown_roadmap_too(client, db):
    # Whether a roadmap exists is not told to anonymous visitors.
    response = client.get(_url(Roadmap(pk=999999)))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"status": "done"}, ["CSR awards"]),
        ({"due": "overdue"}, ["School programme"]),
        ({"q": "greening"}, ["Urban greening"]),
        ({"activity_type": "event"}, ["CSR awards", "Urban greening"]),
        ({"activity_type": "training"}, ["School programme"]),
        ({"sort": "title"}, ["CSR awards", "School programme", "Urban greening"]),
    ],
)
def test_filters_sit_in_the_url(client, editor, table, sofia_roadmap, query, titles):
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap, **query))
    assert response.status_code == 200
    assert sorted(row.title for row in response.context["rows"]) == sorted(titles)


def test_filter_by_challenge(client, editor, table, sofia_roadmap):
    client.force_login(editor)
    social = table["ours"].challenge
    response = client.get(_url(sofia_roadmap, challenge=social.pk))
    assert sorted(r.title for r in response.context["rows"]) == [
        "School programme",
        "Urban greening",
    ]


def test_filter_by_lead_and_key_partner(client, editor, table, sofia_roadmap, sofia_company):
    client.force_login(editor)
    by_key = client.get(_url(sofia_roadmap, key_partner=sofia_company.pk))
    assert [r.title for r in by_key.context["rows"]] == ["School programme"]
    by_lead = client.get(_url(sofia_roadmap, lead_partner=table["ngo"].pk))
    assert sorted(r.title for r in by_lead.context["rows"]) == ["CSR awards", "School programme"]


def test_due_soon_filter(client, editor, sofia_roadmap):
    factories.action(
        sofia_roadmap, title="Soon", deadline=timezone.localdate() + datetime.timedelta(days=10)
    )
    factories.action(
        sofia_roadmap, title="Later", deadline=timezone.localdate() + datetime.timedelta(days=90)
    )
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap, due="soon"))
    assert [r.title for r in response.context["rows"]] == ["Soon"]


def test_due_soon_label_says_the_days_the_filter_uses(client, editor, sofia_roadmap, monkeypatch):
    from actions import filters

    client.force_login(editor)
    assert "due in 30 days" in client.get(_url(sofia_roadmap)).content.decode()
    monkeypatch.setattr(filters, "DUE_SOON_DAYS", 14)
    html = client.get(_url(sofia_roadmap)).content.decode()
    assert "due in 14 days" in html and "due in 30 days" not in html


@pytest.mark.parametrize("language", ["en", "bg"])
def test_filter_selects_are_what_django_renders(client, editor, table, sofia_roadmap, language):
    """The selects are Django's own widgets, chosen options and error attributes included."""
    client.force_login(editor)
    query = {"lead_partner": table["ngo"].pk, "activity_type": "event", "sort": "nonsense"}
    response = client.get(_url(sofia_roadmap, **query), HTTP_ACCEPT_LANGUAGE=language)
    html = " ".join(response.content.decode().split())
    form = response.context["filter"].form
    selects = [name for name, field in form.fields.items() if type(field.widget) is forms.Select]
    assert {"challenge", "activity_type", "lead_partner", "key_partner", "sort"} <= set(selects)
    with translation.override(language):
        for name in selects:
            django_html = " ".join(str(form[name].as_widget()).split())
            assert django_html.replace("> <", "><") in html.replace("> <", "><")
    assert 'aria-invalid="true"' in html


def test_bad_filter_value_is_a_form_error_not_a_500(client, editor, table, sofia_roadmap):
    client.force_login(editor)
    response = client.get(_url(sofia_roadmap, status="nonsense", lead_partner="abc"))
    assert response.status_code == 200
    assert response.context["filter"].form.errors


def test_roadmap_list_per_role(
    client, editor, other_editor, partner, network_admin, sofia_roadmap, vratsa_roadmap
):
    url = reverse("actions:roadmap_list")
    client.force_login(editor)
    assert list(client.get(url).context["roadmaps"]) == [sofia_roadmap]
    client.force_login(other_editor)
    assert list(client.get(url).context["roadmaps"]) == [vratsa_roadmap]
    client.force_login(partner)
    assert list(client.get(url).context["roadmaps"]) == []
    client.force_login(network_admin)
    assert set(client.get(url).context["roadmaps"]) == {sofia_roadmap, vratsa_roadmap}
    client.logout()
    vratsa_roadmap.visibility = Roadmap.Visibility.PUBLIC
    vratsa_roadmap.save()
    response = client.get(url)
    assert response.status_code == 200
    assert list(response.context["roadmaps"]) == [vratsa_roadmap]


@pytest.mark.parametrize("size", [3, 30])
def test_roadmap_list_query_count_does_not_grow_with_roadmaps(
    client, editor, sofia, vratsa, django_assert_num_queries, size
):
    for n in range(size):
        roadmap = factories.roadmap(sofia if n % 3 else vratsa, visibility="public")
        factories.action(roadmap)
    client.force_login(editor)
    url = reverse("actions:roadmap_list")
    client.get(url)  # warm the session
    # 1 session, 2 user, 3 user's groups, 4 city access, 5 user's person,
    # 6 the roadmaps with their city and their count of actions.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["roadmaps"]) == size
    assert {roadmap.action_count for roadmap in response.context["roadmaps"]} == {1}


def _fill(roadmap, count, organisations):
    challenges = [factories.challenge(roadmap) for _ in range(3)]
    for i in range(count):
        row = factories.action(
            roadmap,
            challenge=challenges[i % 3],
            lead_partner=organisations[i % len(organisations)],
            key_partners=organisations[(i + 1) % len(organisations) :][:2],
        )
        factories.indicator(row, baseline=0, target=5)


@pytest.mark.parametrize("size", [20, 200])
def test_table_query_count_does_not_grow_with_rows(
    client, editor, sofia, sofia_roadmap, django_assert_num_queries, size
):
    organisations = [factories.organisation(sofia) for _ in range(5)]
    _fill(sofia_roadmap, size, organisations)
    client.force_login(editor)
    client.get(_url(sofia_roadmap))  # warm the session
    # 1 session, 2 user, 3 user's groups, 4 city access, 5 user's person,
    # 6 roadmap with city, 7 the rows of each challenge (how many, their positions)
    # with the roadmap's totals, 8 the ids of the page's rows, 9 those actions with
    # their lead partner, 10 their indicators, 11 challenges, 12 the page's key
    # partners' names, 13 whether the user follows the roadmap (the header's follow
    # button: one query for the page, none per row), 14 the challenge choices,
    # 15 the filter form's organisation choices (lead partner and key partner: one),
    # 16-17 the resources' totals (funding, pledges per kind), 18 the funded, secured
    # and gap of the actions with funding lines (resource_totals._grouped_funding;
    # 16 is now the cost of all).
    with django_assert_num_queries(18):
        response = client.get(_url(sofia_roadmap))
    # A page of the table (actions/views/table_pages.py), at most a hundred rows.
    assert len(response.context["rows"]) == min(size, PER_PAGE)
    assert response.context["total"] == size


@pytest.mark.parametrize(
    "name", ["roadmap_list", "roadmap", "timeline", "export", "action", "action_row"]
)
def test_read_only_pages_answer_get_and_head_but_refuse_post(
    client, editor, table, sofia_roadmap, name
):
    args = {
        "roadmap_list": [],
        "roadmap": [sofia_roadmap.pk],
        "timeline": [sofia_roadmap.pk],
        "export": [sofia_roadmap.pk],
        "action": [table["ours"].pk],
        "action_row": [table["ours"].pk],
    }[name]
    url = reverse(f"actions:{name}", args=args)
    client.force_login(editor)
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200
    response = client.post(url, {"title": "Posted"})
    assert response.status_code == 405
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD"]


@pytest.mark.parametrize("size", [20, 200])
def test_partners_filtered_table_query_count_does_not_grow_with_rows(
    client, partner, sofia, sofia_company, sofia_roadmap, django_assert_num_queries, size
):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    organisations = [sofia_company] + [factories.organisation(sofia) for _ in range(4)]
    _fill(sofia_roadmap, size, organisations)
    url = _url(sofia_roadmap, ours="on", sort="deadline")
    client.force_login(partner)
    client.get(url)  # warm the session
    # 1 session, 2 user, 3 roadmap with city, 4 user's groups, 5 user's person,
    # 6 the cities of their organisation's working groups,
    # 7 the rows of each challenge (how many the filter leaves, their positions)
    # with the roadmap's totals, 8 the ids of the page of the rows the filter
    # leaves, 9-10 those rows and their indicators, 11 challenges, 12 the page's key
    # partners' names, 13 whether the partner follows the roadmap (the header's
    # follow button: one query for the page), 14 the rows they update (issue 16),
    # 15 the challenge choices,
    # 16 the filter form's organisation choices (lead partner and key partner: one),
    # 17-18 the resources' totals (funding, pledges per kind), 19 the funded, secured
    # and gap of the actions with funding lines (resource_totals._grouped_funding;
    # 17 is now the cost of all).
    with django_assert_num_queries(19):
        response = client.get(url)
    # Their organisation leads or partners two rows in five.
    assert response.context["shown"] == len([n for n in range(size) if n % 5 in (0, 4)])
    assert len(response.context["rows"]) == min(response.context["shown"], PER_PAGE)
    assert all(row.can_update for row in response.context["rows"])
