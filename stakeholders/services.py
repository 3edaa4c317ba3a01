"""Writes and reads about people that several places need: who may be emailed,
what the app holds about a person (GDPR access) and anonymising them (erasure).

``stakeholders`` imports neither ``actions`` nor ``meetings``: the rows of other
apps that point at a person or their user account are found through the model
registry (every foreign key to Person or to the user model), so that a model
added later is part of the export without a change here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Person

logger = logging.getLogger(__name__)

ERASED_NAME = "Erased person #{pk}"


def contactable(people: Iterable[Person] | QuerySet) -> list[Person] | QuerySet:
    """The people who may be emailed: they consented to be contacted and have an address.

    Every mail goes only to these. A queryset stays a queryset (filtered in the
    database); any other iterable of people gives a list in the same order.
    """
    if isinstance(people, QuerySet):
        return people.filter(consent_to_contact=True).exclude(email="")
    return [person for person in people if why_not_contactable(person) is None]


def why_not_contactable(person: Person) -> str | None:
    """Why ``person`` may not be emailed (for whoever sends the mail), or None if they may."""
    if not person.consent_to_contact:
        return _("has not consented to be contacted")
    if not person.email:
        return _("has no email address")
    return None


# --- Access: everything held about a person -----------------------------------


def _is_history_model(model: type[models.Model]) -> bool:
    # django-simple-history's historical models; their rows are the audit trail.
    return hasattr(model, "instance_type") and any(
        field.name == "history_id" for field in model._meta.fields
    )


def _references(target: models.Model) -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key or one-to-one field that points at ``target``'s model."""
    found = []
    for relation in target._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many or not hasattr(relation, "field"):
            continue
        if relation.related_model._meta.auto_created:
            continue  # a many-to-many table such as the user's groups (exported as such)
        found.append((relation.related_model, relation.field.name))
    return found


def _serialise(obj: models.Model, *, via: str) -> dict:
    data = serializers.serialize("python", [obj])[0]
    return {
        "model": obj._meta.label,
        "pk": obj.pk,
        "via": via,
        "text": str(obj),
        "fields": data["fields"],
    }


def _rows_pointing_at(target: models.Model, *, skip: set[type[models.Model]]) -> dict[str, list]:
    """Rows of other models pointing at ``target``, keyed by what they are."""
    sections: dict[str, list] = {}
    for model, field_name in _references(target):
        if model in skip:
            continue
        rows = model._default_manager.filter(**{field_name: target}).order_by("pk")
        for row in rows:
            key = "history" if _is_history_model(model) else model._meta.label_lower
            sections.setdefault(key, []).append(_serialise(row, via=field_name))
    return sections


def person_export_data(*, person: Person) -> dict:
    """Everything the app holds about ``person``, ready for ``json.dumps`` (DjangoJSONEncoder).

    The person's own fields, their organisation, and every row that points at
    them or at their user account: memberships, attendances, contributions
    authored, next steps they are responsible for, meetings they moderated,
    agenda items they presented, and the history records (the audit trail)
    where they are named or where their account made the change.
    """
    person = Person.objects.select_related("organisation__city", "user").get(pk=person.pk)
    data: dict = {
        "person": {
            "id": person.pk,
            "name": person.name,
            "position": person.position,
            "email": person.email,
            "phone": person.phone,
            "consent_to_contact": person.consent_to_contact,
            "consent_recorded_at": person.consent_recorded_at,
        },
        "organisation": None,
        "user": None,
    }
    if person.organisation_id:
        organisation = person.organisation
        data["organisation"] = {
            "id": organisation.pk,
            "name": organisation.name,
            "kind": organisation.kind,
            "city": organisation.city.name,
        }
    # Named sections first, so that a reader finds the usual things at once.
    about_person = _rows_pointing_at(person, skip=set())
    data["memberships"] = about_person.pop("stakeholders.membership", [])
    data["attendances"] = about_person.pop("meetings.attendance", [])
    data["contributions"] = about_person.pop("meetings.contribution", [])
    data["next_steps"] = about_person.pop("meetings.nextstep", [])
    history = about_person.pop("history", [])
    if person.user_id:
        user = person.user
        data["user"] = {
            "id": user.pk,
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "cities": sorted(user.city_accesses.values_list("city__name", flat=True)),
        }
        about_user = _rows_pointing_at(user, skip={Person})
        history += about_user.pop("history", [])
        data["admin_log"] = [
            {
                "action_time": entry.action_time,
                "object": f"{entry.content_type.app_label}.{entry.content_type.model}"
                if entry.content_type_id
                else "",
                "object_id": entry.object_id,
                "object_repr": entry.object_repr,
                "change_message": entry.get_change_message(),
            }
            for entry in LogEntry.objects.filter(user=user)
            .select_related("content_type")
            .order_by("action_time", "pk")
        ]
        about_user.pop("admin.logentry", None)
        about_user.pop("stakeholders.cityaccess", None)
        for key, rows in about_user.items():
            about_person.setdefault(key, []).extend(rows)
    data["history"] = history
    # Anything else that points at the person or the account (meetings moderated,
    # agenda items presented, rows created or changed by the account, ...).
    data["other_references"] = about_person
    return data


# --- Erasure: anonymise, keep every row -----------------------------------------


@transaction.atomic
def person_erase(*, person: Person) -> Person:
    """Anonymise ``person``: name replaced, contact details and consent removed, and
    their user account (if any) deactivated with its name, address and password gone.

    Nothing is deleted: actions, meetings, attendances, contributions, next steps
    and history rows keep pointing at the same person and account, which now
    read "Erased person #<id>" and "erased-<id>".
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.name = ERASED_NAME.format(pk=person.pk)
    person.position = ""
    person.email = ""
    person.phone = ""
    person.consent_to_contact = False
    person.consent_recorded_at = None
    person.save()
    # The admin's log keeps the name the person had when they were edited there.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).update(object_repr=str(person)[:200])
    if person.user_id:
        _user_erase(person.user)
    logger.info("Person #%s erased", person.pk)
    return person


def _user_erase(user) -> None:
    user.username = f"erased-{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    # A new (unusable) password also ends the account's sessions: their hash no longer matches.
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    user.city_accesses.all().delete()
    LogEntry.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(type(user))) & Q(object_id=str(user.pk))
    ).update(object_repr=user.get_username())
