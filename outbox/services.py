"""The one way the app sends mail.

``mail_queue`` writes a ``Mail`` row (rendered in the recipient's language) for
each person who may get it: consent and an address (``stakeholders.services.
contactable``, the one rule) and not unsubscribed from that kind. The row's
unique key (kind, event, person) means a second queueing of the same event
sends nothing. ``deliver`` sends what is due, one row locked at a time, so that
several workers never send one mail twice; a mail the server refuses stays
queued with a later ``next_attempt_at`` (back-off), so nothing is lost.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from stakeholders.models import Person
from stakeholders.services import contactable, why_not_contactable

from .models import Kind, Mail, MailPreference

logger = logging.getLogger(__name__)

# What a mail backend raises when the server refuses or cannot be reached
# (SMTPException is an OSError too since Python 3.4; named for the reader).
MAIL_ERRORS = (smtplib.SMTPException, OSError)
# Attempts before a mail is given up (marked failed, shown in the admin).
MAX_ATTEMPTS = 8
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=6)
UNSUBSCRIBE_SALT = "outbox.unsubscribe"

Attachment = tuple[str, bytes, str]  # file name, content, MIME type


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 4, 16, 64 minutes, ... 6 hours."""
    return min(FIRST_RETRY * 4 ** (attempts - 1), LONGEST_RETRY)


# --- Who, and in which language ---------------------------------------------------


def preference_of(person: Person) -> MailPreference | None:
    try:
        return person.mail_preference
    except MailPreference.DoesNotExist:
        return None


def language_of(person: Person, fallback: str | None = None) -> str:
    """The recipient's language: their choice, else their organisation's city's,
    else ``fallback`` (the city the mail is about), else the site's."""
    preference = preference_of(person)
    if preference is not None and preference.language:
        return preference.language
    if person.organisation_id and person.organisation.city_id:
        return person.organisation.city.language
    return fallback or settings.LANGUAGE_CODE


def wants(person: Person, kind: str) -> bool:
    preference = preference_of(person)
    return preference is None or kind not in preference.unsubscribed


def why_not_mailed(person: Person, kind: str) -> str | None:
    """Why ``person`` gets no mail of ``kind`` (for whoever sends it), or None if they do."""
    reason = why_not_contactable(person)
    if reason is None and not wants(person, kind):
        reason = _("has unsubscribed from these mails")
    return reason


def recipients(people: Iterable[Person], kind: str) -> list[Person]:
    """The people of ``people`` who get mail of ``kind``, in the same order."""
    return [person for person in contactable(list(people)) if wants(person, kind)]


# --- Unsubscribing ------------------------------------------------------------------


def _signer() -> signing.Signer:
    # No time stamp: the link of an old mail keeps working, and each mail of one kind
    # to one person carries the same link.
    return signing.Signer(salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(person: Person, kind: str) -> str:
    return _signer().sign_object({"person": person.pk, "kind": kind})


def read_unsubscribe_token(token: str) -> tuple[Person, str]:
    """The person and kind a token names; ``signing.BadSignature`` if it was not ours."""
    data = _signer().unsign_object(token)
    if not isinstance(data, dict) or data.get("kind") not in Kind.values:
        raise signing.BadSignature("not an unsubscribe token")
    try:
        person = Person.objects.get(pk=data.get("person"))
    except (Person.DoesNotExist, TypeError, ValueError):
        raise signing.BadSignature("no such person") from None
    return person, data["kind"]


def unsubscribe_url(person: Person, kind: str) -> str:
    path = reverse("outbox:unsubscribe", args=[unsubscribe_token(person, kind)])
    return f"{settings.SITE_URL}{path}"


def site_url(path: str) -> str:
    """An absolute link to a page of the site, for a mail."""
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def preference_update(
    *, person: Person, language: str | None = None, unsubscribed: Iterable[str] | None = None
) -> MailPreference:
    """Set a person's mail language and the kinds they do not want; pending mail
    of a kind now unwanted is withdrawn."""
    preference, _created = MailPreference.objects.select_for_update().get_or_create(person=person)
    if language is not None:
        preference.language = language
    if unsubscribed is not None:
        preference.unsubscribed = sorted(set(unsubscribed) & set(Kind.values))
    preference.version += 1
    preference.save()
    person.mail_preference = preference
    Mail.objects.filter(
        person=person, status=Mail.Status.PENDING, kind__in=preference.unsubscribed
    ).update(status=Mail.Status.WITHDRAWN, body="", attachment=b"")
    return preference


def unsubscribe(*, person: Person, kind: str) -> MailPreference:
    """Stop mail of ``kind`` to ``person`` (the one-click link)."""
    current = preference_of(person)
    wanted_off = set(current.unsubscribed if current else []) | {kind}
    return preference_update(person=person, unsubscribed=wanted_off)


# --- Queueing -----------------------------------------------------------------------


def mail_queue(
    *,
    kind: str,
    event: str,
    person: Person,
    template: str,
    context: dict,
    attachment: Callable[[], Attachment] | None = None,
    fallback_language: str | None = None,
) -> Mail | None:
    """Queue one mail of ``kind`` about ``event`` to ``person``.

    ``template`` names ``<template>.txt`` (the body) and ``<template>_subject.txt``;
    both, and ``attachment()``, are rendered in the recipient's language, with
    ``person``, ``unsubscribe_url`` and ``settings_url`` added to ``context``.
    ``fallback_language`` is the language of a recipient who chose none and whose
    organisation has no city (a person of the working group in their own name).
    Returns the new row, or None when the person may not get it or it was
    queued before (nothing is sent twice).
    """
    if why_not_mailed(person, kind) is not None:
        return None
    if Mail.objects.filter(kind=kind, event=event, person=person).exists():
        return None
    language = language_of(person, fallback_language)
    with translation.override(language):
        full = {
            **context,
            "person": person,
            "unsubscribe_url": unsubscribe_url(person, kind),
            "settings_url": site_url(reverse("outbox:settings")),
            "kind_name": Kind(kind).label,
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", full).split())
        body = render_to_string(f"{template}.txt", full)
        name, content, mimetype = attachment() if attachment else ("", b"", "")
    mail, created = Mail.objects.get_or_create(
        kind=kind,
        event=event,
        person=person,
        defaults={
            "language": language,
            "subject": subject[:300],
            "body": body,
            "attachment_name": name,
            "attachment": content,
            "attachment_type": mimetype,
        },
    )
    return mail if created else None


# --- Delivery -----------------------------------------------------------------------


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0  # attempts that failed this time (retried later, or given up)
    retry_at: datetime.datetime | None = None  # the earliest retry still waiting
    more: bool = False  # the batch was full: more mail is due now


def _message(mail: Mail) -> EmailMessage:
    link = unsubscribe_url(mail.person, mail.kind)
    message = EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.person.email],
        # One-click unsubscribe in the mail program too (RFC 8058).
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if mail.attachment_name:
        message.attach(mail.attachment_name, bytes(mail.attachment), mail.attachment_type)
    return message


def deliver(*, now: datetime.datetime | None = None, limit: int = 500) -> Delivery:
    """Send the queued mail that is due; refused or unreachable: try again later."""
    now = now or timezone.now()
    result = Delivery()
    due = list(
        Mail.objects.filter(status=Mail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    result.more = len(due) == limit
    connection = get_connection()
    try:
        for pk in due:
            with transaction.atomic():
                mail = (
                    Mail.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("person__organisation__city", "person__mail_preference")
                    .filter(pk=pk, status=Mail.Status.PENDING)
                    .first()
                )
                if mail is None:
                    continue  # another worker has it, or sent it
                _deliver_one(mail, connection, now, result)
    finally:
        _close_quietly(connection)
    result.retry_at = (
        Mail.objects.filter(status=Mail.Status.PENDING, next_attempt_at__gt=now)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return result


def _deliver_one(mail: Mail, connection, now: datetime.datetime, result: Delivery) -> None:
    if why_not_mailed(mail.person, mail.kind) is not None:
        # Consent withdrawn (or unsubscribed) after the mail was queued.
        mail.status, mail.body, mail.attachment = Mail.Status.WITHDRAWN, "", b""
        mail.save(update_fields=["status", "body", "attachment"])
        return
    mail.attempts += 1
    try:
        connection.send_messages([_message(mail)])
    except MAIL_ERRORS as exc:
        logger.warning("Mail %s not sent (attempt %s)", mail.pk, mail.attempts, exc_info=True)
        result.failed += 1
        # The class and SMTP code only: the message may name the address.
        code = getattr(exc, "smtp_code", None) or getattr(exc, "errno", None)
        mail.error = f"{type(exc).__name__}{f' {code}' if code else ''}"[:200]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = Mail.Status.FAILED
        else:
            mail.next_attempt_at = now + backoff(mail.attempts)
        # The server may have dropped the connection: the next mail opens a new one.
        _close_quietly(connection)
    else:
        result.sent += 1
        mail.status, mail.sent_at, mail.error = Mail.Status.SENT, timezone.now(), ""
        mail.body, mail.attachment = "", b""
    mail.save()


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except MAIL_ERRORS:
        logger.warning("Closing the connection to the mail server failed", exc_info=True)
