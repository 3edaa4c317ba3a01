"""Live capture of pledges (issue 16): the moderator records what an organisation
pledged in a meeting, from its contribution, as a pledge to an Action Table row;
once, all or nothing, with provenance both ways."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from actions import services as action_services
from actions.models import Pledge
from core.history_reasons import reason_text
from meetings.models import Contribution
from meetings.services import contribution_pledge, pledge_prefill
from tests import factories

D = Decimal


@pytest.fixture
def offer(held_meeting, sofia_roadmap, sofia_company):
    """A company's comment in the meeting: it offers volunteer hours to a row."""
    row = factories.action(sofia_roadmap, title="School programme")
    contribution = Contribution.objects.create(
        meeting=held_meeting["meeting"],
        position=3,
        kind="comment",
        organisation=sofia_company,
        text="Our staff give 40 volunteer hours to the school programme.",
        action=row,
    )
    return {"contribution": contribution, "row": row, **held_meeting}


def _data(offer, **changes):
    return {
        "action": offer["row"],
        "organisation": offer["contribution"].organisation,
        "kind": "volunteer_hours",
        "amount": D(40),
        "unit": "hours",
        "description": offer["contribution"].text,
        "date": offer["meeting"].day,
        **changes,
    }


def test_the_prefill_is_the_contributions_organisation_action_words_and_day(offer):
    prefill = pledge_prefill(contribution=offer["contribution"])
    assert prefill == {
        "action": offer["row"].pk,
        "organisation": offer["contribution"].organisation_id,
        "description": offer["contribution"].text,
        "date": offer["meeting"].day,
    }


def test_recording_a_pledge_links_both_ways_and_history_names_the_meeting(moderator, offer):
    pledge = contribution_pledge(
        contribution=offer["contribution"], by=moderator, data=_data(offer)
    )
    contribution = offer["contribution"]
    contribution.refresh_from_db()
    assert contribution.pledge == pledge
    assert contribution.outcome == Contribution.Outcome.ACCEPTED
    assert list(pledge.contributions.all()) == [contribution]
    assert (pledge.action, pledge.amount, pledge.unit) == (offer["row"], D(40), "hours")
    (record,) = pledge.history.all()
    assert record.history_user == moderator
    with translation.override("en"):
        assert reason_text(record.history_change_reason) == (
            f"pledged in meeting {offer['meeting'].number}"
        )
    assert contribution.history.latest("history_date").history_user == moderator


def test_a_contribution_is_recorded_as_a_pledge_once(moderator, offer):
    contribution_pledge(contribution=offer["contribution"], by=moderator, data=_data(offer))
    with pytest.raises(ValidationError) as refused:
        contribution_pledge(contribution=offer["contribution"], by=moderator, data=_data(offer))
    assert refused.value.code == "already_pledged"
    assert Pledge.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": D(-1)}, "amount"),
        ({"unit": "EUR"}, "unit"),
    ],
)
def test_bad_input_writes_nothing(moderator, offer, changes, field):
    version = offer["meeting"].version
    with pytest.raises(ValidationError) as refused:
        contribution_pledge(
            contribution=offer["contribution"], by=moderator, data=_data(offer, **changes)
        )
    assert field in refused.value.message_dict
    assert not Pledge.objects.exists()
    offer["contribution"].refresh_from_db()
    assert offer["contribution"].pledge is None and offer["contribution"].outcome == "open"
    offer["meeting"].refresh_from_db()
    assert offer["meeting"].version == version


def test_an_organisation_outside_the_working_group_may_not_pledge(moderator, offer, vratsa):
    outsider = factories.organisation(vratsa, "Vratsa Dairy")
    with pytest.raises(ValidationError) as refused:
        contribution_pledge(
            contribution=offer["contribution"],
            by=moderator,
            data=_data(offer, organisation=outsider),
        )
    assert "organisation" in refused.value.message_dict
    assert not Pledge.objects.exists()


def test_the_pledge_goes_to_the_row_the_contribution_is_about(moderator, offer, sofia_roadmap):
    other = factories.action(sofia_roadmap, title="Another row")
    with pytest.raises(ValidationError) as refused:
        contribution_pledge(
            contribution=offer["contribution"], by=moderator, data=_data(offer, action=other)
        )
    assert "action" in refused.value.message_dict


def test_a_row_of_another_roadmap_is_refused(moderator, offer, vratsa_roadmap):
    elsewhere = factories.action(vratsa_roadmap, title="Vratsa's row")
    offer["contribution"].action = None
    offer["contribution"].save()
    with pytest.raises(ValidationError) as refused:
        contribution_pledge(
            contribution=offer["contribution"], by=moderator, data=_data(offer, action=elsewhere)
        )
    assert "action" in refused.value.message_dict


def test_a_rejected_contribution_is_no_pledge(moderator, offer):
    Contribution.objects.filter(pk=offer["contribution"].pk).update(outcome="rejected")
    with pytest.raises(ValidationError) as refused:
        contribution_pledge(contribution=offer["contribution"], by=moderator, data=_data(offer))
    assert refused.value.code == "not_accepted"


@pytest.mark.parametrize("role", ["editor", "vratsa_moderator", "partner"])
def test_only_the_citys_moderator_records_a_pledge(request, offer, role):
    with pytest.raises(PermissionDenied):
        contribution_pledge(
            contribution=offer["contribution"], by=request.getfixturevalue(role), data=_data(offer)
        )
    assert not Pledge.objects.exists()


def test_removing_the_pledge_unlinks_the_contribution_in_its_history(moderator, offer):
    pledge = contribution_pledge(
        contribution=offer["contribution"], by=moderator, data=_data(offer)
    )
    action_services.pledge_delete(pledge=pledge, by=moderator, expected_version=1)
    contribution = offer["contribution"]
    contribution.refresh_from_db()
    assert contribution.pledge is None
    last = contribution.history.latest("history_date")
    assert (last.history_user, last.pledge_id) == (moderator, None)


# --- The cockpit -----------------------------------------------------------------------


def test_the_cockpit_offers_and_records_a_pledge(client, moderator, offer):
    client.force_login(moderator)
    meeting_url = reverse("admin:meetings_meeting_change", args=[offer["meeting"].pk])
    url = reverse("admin:meetings_contribution_pledge", args=[offer["contribution"].pk])
    assert url in client.get(meeting_url).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["organisation"] == offer["contribution"].organisation_id
    response = client.post(
        url,
        {
            "action": offer["row"].pk,
            "organisation": offer["contribution"].organisation_id,
            "kind": "volunteer_hours",
            "amount": "40",
            "unit": "hours",
            "description": "40 hours",
            "date": offer["meeting"].day.isoformat(),
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    # The meeting's cockpit and the contribution's page link to the pledge.
    pledge_url = reverse("admin:actions_pledge_change", args=[pledge.pk])
    assert pledge_url in client.get(meeting_url).content.decode()
    contribution_page = reverse(
        "admin:meetings_contribution_change", args=[offer["contribution"].pk]
    )
    assert pledge_url in client.get(contribution_page).content.decode()
    # The meeting's page says it; the pledge's page and the action's name the meeting.
    assert (
        "Recorded as a pledge" in client.get(offer["meeting"].get_absolute_url()).content.decode()
    )
    client.cookies["django_language"] = "en"
    pledge_page = client.get(reverse("actions:pledge_edit", args=[pledge.pk])).content.decode()
    assert "pledge-made-in" in pledge_page and offer["meeting"].title in pledge_page
    action_page = client.get(offer["row"].get_absolute_url()).content.decode()
    assert "recorded as a pledge" in action_page


@pytest.mark.parametrize(
    ("language", "typed"), [("bg", "15 000,50"), ("bg", "15000,5"), ("en", "15,000.50")]
)
def test_the_cockpits_pledge_takes_an_amount_as_the_reader_writes_it(
    client, moderator, offer, language, typed
):
    """The amount typed with its thousands grouped, as the action page's pledge form
    takes it: the cockpit's said "Enter a number" to "15 000,50" in Bulgarian."""
    client.force_login(moderator)
    client.cookies["django_language"] = language
    url = reverse("admin:meetings_contribution_pledge", args=[offer["contribution"].pk])
    response = client.post(
        url,
        {
            "action": offer["row"].pk,
            "organisation": offer["contribution"].organisation_id,
            "kind": "cash",
            "amount": typed,
            "unit": "EUR",
            "date": offer["meeting"].day.isoformat(),
        },
    )
    assert response.status_code == 302
    assert Pledge.objects.get().amount == D("15000.50")


def test_the_cockpits_pledge_form_is_dressed_as_the_admins_forms(client, moderator, offer):
    """Its labels capitalised and the required ones marked, as on the cockpit's other
    pages (the accept and close pages) and the admin's own forms: it wrote "amount:"."""
    client.force_login(moderator)
    client.cookies["django_language"] = "en"
    url = reverse("admin:meetings_contribution_pledge", args=[offer["contribution"].pk])
    html = client.get(url).content.decode()
    assert '<label for="id_amount" class="required">Amount:</label>' in html
    assert '<label for="id_description">Description:</label>' in html


def test_the_cockpits_pledge_form_chooses_no_kind_or_unit_for_the_moderator(
    client, moderator, offer
):
    """Neither the first kind ("cash") nor the first unit ("BGN") stands chosen: a
    pledge of euros or of hours recorded in haste went in as leva."""
    client.force_login(moderator)
    url = reverse("admin:meetings_contribution_pledge", args=[offer["contribution"].pk])
    form = client.get(url).context["form"]
    assert form["kind"].value() is None and form["unit"].value() is None
    assert 'value="" selected' in str(form["unit"]) and 'value="" selected' in str(form["kind"])
    response = client.post(
        url,
        {
            "action": offer["row"].pk,
            "organisation": offer["contribution"].organisation_id,
            "kind": "cash",
            "amount": "100",
            "date": offer["meeting"].day.isoformat(),
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not Pledge.objects.exists()


def test_the_cockpit_shows_bad_input_on_its_field(client, moderator, offer):
    client.force_login(moderator)
    url = reverse("admin:meetings_contribution_pledge", args=[offer["contribution"].pk])
    response = client.post(
        url,
        {
            "action": offer["row"].pk,
            "organisation": offer["contribution"].organisation_id,
            "kind": "cash",
            "amount": "100",
            "unit": "hours",
            "date": offer["meeting"].day.isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Pledge.objects.exists()


def test_an_editor_may_not_record_a_pledge_in_the_cockpit(client, editor, offer):
    client.force_login(editor)
    url = reverse("admin:meetings_contribution_pledge", args=[offer["contribution"].pk])
    assert client.get(url).status_code == 403


def test_the_pledge_page_of_a_rejected_contribution_says_why_before_any_form(
    client, moderator, offer
):
    from django.contrib.messages import get_messages

    contribution = offer["contribution"]
    contribution.outcome = "rejected"
    contribution.save()
    client.force_login(moderator)
    url = reverse("admin:meetings_contribution_pledge", args=[contribution.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:meetings_meeting_change", args=[offer["meeting"].pk]
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("only an open or accepted one is a pledge" in t for t in texts)
