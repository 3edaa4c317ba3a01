"""The action page's "Resources" section: cost, funding lines with their status,
funded / secured / gap, pledges per kind with what was delivered to date."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from actions.models import Delivery, FundingLine, Pledge, Roadmap
from tests import factories
from tests.pages.test_template_text import untranslated

D = Decimal


@pytest.fixture
def row(sofia_roadmap, sofia_company):
    sofia_roadmap.visibility = Roadmap.Visibility.PARTNERS
    sofia_roadmap.save()
    return factories.action(
        sofia_roadmap,
        title="Volunteering platform",
        lead_partner=sofia_company,
        budget=D("12500"),
        people_days=D(5),
    )


def _resources(row, sofia_company, pledges=1):
    FundingLine.objects.create(action=row, programme="ESF+", amount=D(6000), status="secured")
    FundingLine.objects.create(action=row, funder=sofia_company, amount=D(2000), status="planned")
    for i in range(pledges):
        pledge = Pledge.objects.create(
            action=row,
            organisation=sofia_company,
            kind="volunteer_hours",
            amount=D(8),
            unit="hours",
            description=f"Volunteers, shift {i}",
        )
        Delivery.objects.create(pledge=pledge, amount=D(3))


def _section(response) -> str:
    html = response.content.decode()
    return html[
        html.index('id="resources"') : html.index("</section>", html.index('id="resources"'))
    ]


def test_the_page_shows_cost_funding_and_pledges(client, editor, row, sofia_company):
    _resources(row, sofia_company)
    client.force_login(editor)
    response = client.get(reverse("actions:action", args=[row.pk]))
    assert response.status_code == 200
    section = _section(response)
    assert "12,500 EUR" in section  # the cost
    assert "8,000 EUR" in section  # funded: every line
    assert "6,000 EUR" in section  # secured
    assert "6,500 EUR" in section  # the gap
    assert "ESF+" in section and "Demo Company Ltd" in section
    assert "secured" in section and "planned" in section
    assert "volunteer hours" in section and "Volunteers, shift 0" in section
    # Delivered to date, against 8 hours pledged.
    assert "3 hours" in section and "8 hours" in section


def test_numbers_and_dates_follow_the_readers_language(client, editor, row, sofia_company):
    _resources(row, sofia_company)
    pledge = Pledge.objects.get()
    Pledge.objects.filter(pk=pledge.pk).update(amount=D("8.5"))
    client.force_login(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bg"
    response = client.get(reverse("actions:action", args=[row.pk]))
    section = _section(response)
    with translation.override("bg"):
        date = formats.date_format(pledge.date, "DATE_FORMAT")
        cost = formats.number_format(D(12500), decimal_pos=0, force_grouping=True)
    assert "8,5" in section
    assert f"{cost} EUR" in section
    assert date in section


@pytest.mark.parametrize(
    "role, status",
    [
        ("editor", 200),
        ("moderator", 200),
        ("partner", 200),
        ("other_editor", 404),
        ("anonymous", 302),
    ],
)
def test_who_reads_the_resources(request, client, row, sofia_company, role, status):
    _resources(row, sofia_company)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("actions:action", args=[row.pk]))
    assert response.status_code == status
    if status == 200:
        assert "ESF+" in _section(response)


def test_fully_pledged_resources_make_the_action_measurable(
    client, editor, sofia_roadmap, sofia_company
):
    """The "tangible and measurable" check counts resources fully pledged,
    though the row names none in words or figures."""
    import datetime

    bare = factories.action(
        sofia_roadmap,
        title="Repair café",
        lead_partner=sofia_company,
        deadline=datetime.date(2030, 1, 1),
    )
    factories.indicator(bare, baseline=0, target=4)
    client.force_login(editor)
    url = reverse("actions:action", args=[bare.pk])
    assert "Missing: necessary resources" in client.get(url).content.decode()
    Pledge.objects.create(
        action=bare, organisation=sofia_company, kind="premises", amount=D(4), unit="days"
    )
    response = client.get(url)
    assert "Missing:" not in response.content.decode()
    assert response.context["resources"].fully_pledged


def test_the_section_has_no_untranslated_text():
    from pathlib import Path

    source = (Path(settings.BASE_DIR) / "templates/actions/_action_resources.html").read_text()
    assert untranslated(source) == []


@pytest.mark.parametrize("pledges", [1, 10])
def test_action_page_query_count_does_not_grow_with_pledges(
    client, editor, row, sofia_company, django_assert_num_queries, pledges
):
    _resources(row, sofia_company, pledges=pledges)
    url = reverse("actions:action", args=[row.pk])
    client.force_login(editor)
    client.get(url)  # warm the session
    # 1 session, 2 user, 3 the action and its roadmap (get_action_for_user),
    # 4 user's groups, 5 city access, 6 user's person, 7 the action with its
    # funding (funded, secured, gap in subqueries), 8 key partners, 9 indicators,
    # 10 pledged and delivered per kind, 11 funding lines with their funder,
    # 12 pledges with their organisation and delivered to date, 13 history,
    # 14 the meetings where it was discussed, 15 whether the user follows the action
    # or its roadmap (the follow buttons), 16 the organisations the new pledge's
    # form offers.
    with django_assert_num_queries(16):
        response = client.get(url)
    assert len(response.context["resources"].pledges) == pledges


def test_the_statement_link_is_for_who_may_download_it(
    client, editor, partner, row, sofia, sofia_company
):
    _resources(row, sofia_company)
    other = factories.organisation(sofia, "Green NGO")
    Pledge.objects.create(action=row, organisation=other, kind="cash", amount=1, unit="EUR")
    url = reverse("actions:action", args=[row.pk])
    ours = reverse("actions:partner_statement", args=[row.roadmap_id, sofia_company.pk])
    theirs = reverse("actions:partner_statement", args=[row.roadmap_id, other.pk])
    client.force_login(editor)
    section = _section(client.get(url))
    assert ours in section and theirs in section
    client.force_login(partner)
    section = _section(client.get(url))
    assert ours in section and theirs not in section
