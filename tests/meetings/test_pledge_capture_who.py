"""Who pledges, when a contribution does not name an organisation (issue 16): the
moderator's cockpit lists every contribution of the meeting as a possible pledge;
a person's contribution pledges for the person's organisation; with no
organisation at all the moderator chooses one in the pledge form, told why; a
roadmap whose working group has no organisation explains that no pledge can be
recorded. The contribution then names the organisation that pledged."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from actions.models import Pledge
from meetings.models import Contribution
from meetings.services import contribution_pledge, pledge_prefill
from tests import factories

D = Decimal


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def said(held_meeting, sofia_roadmap, sofia, vratsa):
    """Contributions naming no organisation: by a person of the company, by a person
    of none, by a person of an organisation outside the working group, by nobody."""
    meeting = held_meeting["meeting"]
    row = factories.action(sofia_roadmap, title="School programme")
    outsider = factories.organisation(vratsa, "Vratsa Bakery")

    def contribution(position, author, text):
        return Contribution.objects.create(
            meeting=meeting, position=position, kind="comment", author=author, text=text
        )

    return {
        **held_meeting,
        "row": row,
        "outsider": outsider,
        "by_person": contribution(10, held_meeting["viktor"], "We give 40 hours."),
        "by_citizen": contribution(11, factories.person(None, "Ana Ivanova"), "I give a day."),
        "by_outsider": contribution(12, factories.person(outsider, "Petar"), "Bread for all."),
        "anonymous": contribution(13, None, "Somebody offers the hall."),
    }


def _pledge_url(contribution) -> str:
    return reverse("admin:meetings_contribution_pledge", args=[contribution.pk])


def _post(client, said, contribution, organisation):
    return client.post(
        _pledge_url(contribution),
        {
            "action": said["row"].pk,
            "organisation": "" if organisation is None else organisation.pk,
            "kind": "volunteer_hours",
            "amount": "40",
            "unit": "hours",
            "description": contribution.text,
            "date": said["meeting"].day.isoformat(),
        },
    )


def test_the_cockpit_lists_every_contribution_as_a_possible_pledge(client, moderator, said):
    client.force_login(moderator)
    response = client.get(reverse("admin:meetings_meeting_change", args=[said["meeting"].pk]))
    listed = {c.pk for c in response.context["pledge_contributions"]}
    for key in ("by_person", "by_citizen", "by_outsider", "anonymous"):
        assert said[key].pk in listed
        assert _pledge_url(said[key]) in response.content.decode()
    html = response.content.decode()
    assert "none named: chosen when recorded" in html
    assert "Viktor Demov" in html  # who said it, to the moderator


def test_a_persons_contribution_pledges_for_their_organisation(
    client, moderator, said, sofia_company
):
    contribution = said["by_person"]
    assert pledge_prefill(contribution=contribution)["organisation"] == sofia_company.pk
    client.force_login(moderator)
    page = client.get(_pledge_url(contribution))
    assert page.context["form"].initial["organisation"] == sofia_company.pk
    assert page.context["form"].fields["organisation"].help_text == ""
    assert _post(client, said, contribution, sofia_company).status_code == 302
    pledge = Pledge.objects.get()
    contribution.refresh_from_db()
    assert (pledge.organisation, contribution.pledge, contribution.organisation) == (
        sofia_company,
        pledge,
        sofia_company,
    )
    assert contribution.history.latest().history_user == moderator


@pytest.mark.parametrize(
    ("key", "note"),
    [
        ("anonymous", "The contribution names no organisation: choose the one that pledged."),
        ("by_citizen", "Ana Ivanova speaks for no organisation: choose the organisation"),
        ("by_outsider", "Vratsa Bakery, for whom the contribution was made, is not in"),
    ],
)
def test_without_an_organisation_of_the_group_the_moderator_chooses_it(
    client, moderator, said, key, note
):
    contribution = said[key]
    chamber = said["chamber"]
    client.force_login(moderator)
    page = client.get(_pledge_url(contribution))
    assert page.status_code == 200
    assert note in page.context["form"].fields["organisation"].help_text
    assert note in page.content.decode()
    # Sent without one, the form asks for it; nothing is written.
    refused = _post(client, said, contribution, None)
    assert refused.status_code == 200 and refused.context["form"].errors["organisation"]
    assert not Pledge.objects.exists()
    assert _post(client, said, contribution, chamber).status_code == 302
    contribution.refresh_from_db()
    assert contribution.pledge.organisation == chamber == contribution.organisation
    # Who said it stays as it was.
    assert contribution.author_id == (None if key == "anonymous" else contribution.author.pk)


def test_an_organisation_outside_the_group_is_refused_on_its_field(client, moderator, said):
    client.force_login(moderator)
    response = _post(client, said, said["by_outsider"], said["outsider"])
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert not Pledge.objects.exists()


def test_a_named_organisation_stays_when_the_moderator_chooses_another(
    moderator, said, sofia_company
):
    proposal = said["proposal"]  # named the chamber
    contribution_pledge(
        contribution=proposal,
        by=moderator,
        data={
            "action": said["row"],
            "organisation": sofia_company.pk,
            "kind": "cash",
            "amount": D(100),
            "unit": "EUR",
            "date": said["meeting"].day,
        },
    )
    proposal.refresh_from_db()
    assert (proposal.organisation, proposal.pledge.organisation) == (said["chamber"], sofia_company)


def test_a_roadmap_without_organisations_says_no_pledge_can_be_recorded(
    client, vratsa_moderator, vratsa_roadmap, vratsa
):
    meeting = factories.meeting(vratsa_roadmap, status="held")
    contribution = Contribution.objects.create(meeting=meeting, kind="comment", text="A hall.")
    vratsa_roadmap.city.organisations.all().delete()
    client.force_login(vratsa_moderator)
    response = client.get(_pledge_url(contribution))
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("has none yet" in text for text in texts)


@pytest.mark.parametrize(
    ("role", "status"),
    [("editor", 403), ("vratsa_moderator", 404), ("partner", 302), ("anonymous", 302)],
)
def test_only_the_citys_moderator_opens_the_pledge_form(request, client, said, role, status):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    assert client.get(_pledge_url(said["anonymous"])).status_code == status
    response = _post(client, said, said["anonymous"], said["chamber"])
    assert response.status_code == status
    assert not Pledge.objects.exists()
