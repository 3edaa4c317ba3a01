"""The one-click unsubscribe: signed, per kind of mail, without login; and the mail
settings page, where a user chooses the kinds and the language of their mail."""

import pytest
from django.core import mail, signing
from django.urls import reverse

from outbox import services
from outbox.models import Kind, Mail
from tests import factories


@pytest.fixture
def contact(sofia_company):
    return factories.person(sofia_company, "Willing", consent_to_contact=True)


def _queue(person, kind=Kind.DUE_DIGEST, event="today"):
    return services.mail_queue(
        kind=kind, event=event, person=person, template="email/digest", context={"sections": []}
    )


def test_the_link_unsubscribes_from_that_kind_only_without_login(client, contact):
    url = services.unsubscribe_url(contact, Kind.DUE_DIGEST).removeprefix("https://csr.example.org")

    page = client.get(url)
    assert page.status_code == 200
    assert "daily digest of deadlines" in page.content.decode()
    assert services.wants(contact, Kind.DUE_DIGEST)  # a GET (a link scanner) changes nothing

    done = client.post(url)
    assert done.status_code == 200
    assert "you will get no more daily digest of deadlines" in done.content.decode()
    contact.refresh_from_db()
    assert not services.wants(contact, Kind.DUE_DIGEST)
    assert services.wants(contact, Kind.INVITATION)
    assert _queue(contact) is None
    assert _queue(contact, Kind.INVITATION) is not None


def test_the_page_names_no_person(client, contact):
    url = reverse("outbox:unsubscribe", args=[services.unsubscribe_token(contact, Kind.INVITATION)])
    assert contact.name not in client.get(url).content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"person": 1, "kind": Kind.INVITATION}, salt="another.salt"),
        signing.Signer(salt=services.UNSUBSCRIBE_SALT).sign_object(
            {"person": 1, "kind": "everything"}
        ),
    ],
)
def test_a_forged_or_foreign_token_is_refused_and_changes_nothing(client, contact, token):
    response = client.post(reverse("outbox:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert services.wants(contact, Kind.INVITATION)


def test_a_token_cannot_be_moved_to_another_person(client, contact, sofia_company):
    other = factories.person(sofia_company, "Other", consent_to_contact=True)
    token = services.unsubscribe_token(contact, Kind.INVITATION)
    _payload, _sep, signature = token.partition(":")
    forged = signing.Signer(salt="x").sign_object({"person": other.pk, "kind": Kind.INVITATION})
    forged = forged.split(":")[0]
    response = client.post(reverse("outbox:unsubscribe", args=[f"{forged}:{signature}"]))
    assert response.status_code == 400
    assert services.wants(other, Kind.INVITATION)


def test_unsubscribing_withdraws_what_was_still_waiting(client, contact, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    waiting = _queue(contact)
    services.unsubscribe(person=contact, kind=Kind.DUE_DIGEST)
    waiting.refresh_from_db()
    assert waiting.status == Mail.Status.WITHDRAWN
    assert services.deliver().sent == 0
    assert mail.outbox == []


def test_mail_queued_before_consent_was_withdrawn_is_not_sent(contact):
    waiting = _queue(contact)
    contact.consent_to_contact = False
    contact.save()
    waiting.refresh_from_db()
    assert waiting.status == Mail.Status.WITHDRAWN
    assert waiting.body == ""  # at once, not only when the task comes by
    assert services.deliver().sent == 0


def test_erasing_a_person_clears_the_mail_waiting_for_them(contact):
    from stakeholders.services import person_erase

    waiting = _queue(contact)
    assert contact.name in waiting.body
    person_erase(person=contact)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.body) == (Mail.Status.WITHDRAWN, "")


def test_consent_withdrawn_while_a_mail_is_queued_is_checked_again_on_sending(contact):
    waiting = _queue(contact)
    # Changed without a save signal (a bulk update): delivery asks again.
    type(contact).objects.filter(pk=contact.pk).update(consent_to_contact=False)
    assert services.deliver().sent == 0
    waiting.refresh_from_db()
    assert waiting.status == Mail.Status.WITHDRAWN


def test_nobody_without_consent_or_address_is_queued(sofia_company):
    unwilling = factories.person(sofia_company, consent_to_contact=False)
    no_address = factories.person(sofia_company, consent_to_contact=True, email="")
    assert _queue(unwilling) is None
    assert _queue(no_address) is None
    assert not Mail.objects.exists()


def test_the_same_event_is_queued_once(contact):
    assert _queue(contact) is not None
    assert _queue(contact) is None
    assert Mail.objects.count() == 1


# --- The settings page ------------------------------------------------------------


@pytest.fixture
def partner_person(partner):
    return partner.person


def test_a_user_chooses_the_kinds_and_language_of_their_mail(client, partner, partner_person):
    client.force_login(partner)
    page = client.get(reverse("outbox:settings"))
    assert page.status_code == 200
    assert "meeting invitations" in page.content.decode()

    response = client.post(
        reverse("outbox:settings"), {"kinds": [Kind.INVITATION], "language": "en"}
    )
    assert response.status_code == 302
    partner_person.refresh_from_db()
    assert services.wants(partner_person, Kind.INVITATION)
    assert not services.wants(partner_person, Kind.DUE_DIGEST)
    assert services.language_of(partner_person) == "en"


def test_an_unknown_kind_or_language_is_refused_with_a_message(client, partner, partner_person):
    client.force_login(partner)
    response = client.post(reverse("outbox:settings"), {"kinds": ["spam"], "language": "xx"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert services.preference_of(partner_person) is None


def test_a_user_linked_to_no_person_is_told_they_get_no_mail(client, editor):
    client.force_login(editor)
    response = client.get(reverse("outbox:settings"))
    assert response.status_code == 200
    assert "not linked to a person" in response.content.decode()


def test_the_settings_page_needs_a_login(client):
    response = client.get(reverse("outbox:settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- The sent log in the admin ----------------------------------------------------


def test_the_admin_shows_who_got_what_but_never_the_body(client, network_admin, contact):
    queued = _queue(contact)
    Mail.objects.filter(pk=queued.pk).update(body="SECRET BODY TEXT")
    client.force_login(network_admin)
    listing = client.get(reverse("admin:outbox_mail_changelist"))
    assert listing.status_code == 200
    assert "today" in listing.content.decode()
    page = client.get(reverse("admin:outbox_mail_change", args=[queued.pk]))
    assert page.status_code == 200
    assert "SECRET BODY TEXT" not in page.content.decode()


def test_delivery_goes_in_batches_and_asks_for_the_next(sofia_company):
    people = [factories.person(sofia_company, consent_to_contact=True) for _n in range(3)]
    for person in people:
        _queue(person)
    first = services.deliver(limit=2)
    assert (first.sent, first.more) == (2, True)
    second = services.deliver(limit=2)
    assert (second.sent, second.more) == (1, False)
    assert len(mail.outbox) == 3
