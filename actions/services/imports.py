"""What an import of a hand-made spreadsheet creates before its rows are applied:
the organisations and challenges the file names and the database lacks, ticked
by the user in the preview. Called inside the import's transaction, so that they
are created all or nothing with the rows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.contrib.admin.models import ADDITION, LogEntry
from django.db import transaction
from django.db.models import Max

from stakeholders.models import Membership, Organisation

from ..models import Challenge, ImportMapping, Roadmap
from .common import _check_can_edit, user_or_none


def import_missing_create(
    *,
    roadmap: Roadmap,
    organisations: Mapping[str, str],
    challenges: Mapping[str, str],
    by,
) -> dict[tuple[str, str], int]:
    """Create the ``organisations`` (name → kind) in the roadmap's city, each a member
    of its working group, and the ``challenges`` (title → strand) of the roadmap, at
    its end. Returns {("organisation" or "challenge", name): id}.

    An organisation of that name already in the city is the one taken (and put in
    the working group if it is not); full_clean refuses a kind or strand that is
    not one, as a ValidationError. What is created is in the admin's history of
    each (an "added" entry by ``by``: neither model keeps a history table).
    """
    _check_can_edit(by, roadmap)
    created: dict[tuple[str, str], int] = {}
    new = []
    with transaction.atomic():
        for name, kind in organisations.items():
            organisation = Organisation.objects.filter(city=roadmap.city, name=name).first()
            if organisation is None:
                organisation = Organisation(city=roadmap.city, name=name, kind=kind)
                organisation.full_clean()
                organisation.save()
                new.append(organisation)
            Membership.objects.get_or_create(
                city=roadmap.city, organisation=organisation, person=None
            )
            created[("organisation", name)] = organisation.pk
        if challenges:
            Roadmap.objects.select_for_update().filter(pk=roadmap.pk).first()
            last = roadmap.challenges.aggregate(last=Max("position"))["last"]
            position = 0 if last is None else last + 1
            for title, strand in challenges.items():
                challenge = Challenge(
                    roadmap=roadmap, title=title, strand=strand, position=position
                )
                challenge.full_clean()
                challenge.save()
                new.append(challenge)
                created[("challenge", title)] = challenge.pk
                position += 1
        _log_added(new, by=by)
    return created


def _log_added(objects: list, *, by) -> None:
    user = user_or_none(by)
    if user is None:
        return
    for obj in objects:
        LogEntry.objects.log_actions(
            user.pk,
            [obj],
            ADDITION,
            change_message=json.dumps([{"added": {}}]),
            single_object=True,
        )


def import_mapping_remember(
    *, roadmap: Roadmap, layout: str, mapping: Mapping[str, Any], by
) -> ImportMapping:
    """Keep ``mapping`` (columns, values, defaults) for the roadmap's files of ``layout``."""
    _check_can_edit(by, roadmap)
    with transaction.atomic():
        remembered, _created = ImportMapping.objects.update_or_create(
            roadmap=roadmap,
            layout=layout,
            defaults={"mapping": dict(mapping), "updated_by": user_or_none(by)},
        )
    return remembered
