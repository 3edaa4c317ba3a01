#!/usr/bin/env python3
"""Prepare the throwaway database of `make loadtest` (after migrate and load_demo):
scale Sofia's Action Table up with copies of its rows, and write what locust
needs (URLs, users) as JSON.

    DEBUG=true DATABASE_URL=postgres://.../csr_load_... python scripts/loadtest/prepare.py \
        --actions 300 --out targets.json

The copies are written through actions.services, like every other change, so
that they have their history and versions as real rows would.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cities4csr.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from actions import services  # noqa: E402
from actions.models import Roadmap  # noqa: E402

# Demo users who may edit Sofia's Action Table (created by load_demo with DEBUG on).
EDITORS = ["editor", "moderator"]


def scale_up(roadmap: Roadmap, count: int, by: User) -> int:
    templates = list(roadmap.actions.prefetch_related("key_partners").order_by("position"))
    have = roadmap.actions.count()
    for n in range(max(0, count - have)):
        template = templates[n % len(templates)]
        data = {name: getattr(template, name) for name in services.EDITABLE_FIELDS}
        data["key_partners"] = list(template.key_partners.all())
        data["title"] = f"{template.title[:250]} (load test copy {n + 1})"
        services.action_create(roadmap=roadmap, data=data, by=by, reason="load test data")
    return roadmap.actions.count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=300, help="rows in Sofia's Action Table")
    parser.add_argument("--out", required=True, help="the JSON file for the locustfile")
    args = parser.parse_args()

    users = list(User.objects.filter(username__in=EDITORS, is_active=True))
    if len(users) != len(EDITORS):
        sys.exit("The demo editors are missing: run `DEBUG=true manage.py load_demo` first.")
    roadmap = Roadmap.objects.get(city__name="Sofia")
    total = scale_up(roadmap, args.actions, by=users[0])
    try:
        export_url = reverse("actions:export", args=[roadmap.pk])
    except NoReverseMatch:
        export_url = None
    action_ids = list(roadmap.actions.values_list("pk", flat=True))
    targets = {
        "login_url": reverse("login"),
        "roadmap_url": roadmap.get_absolute_url(),
        "dashboard_url": reverse("dashboard"),
        "export_url": export_url,
        "actions": [
            {
                "url": reverse("actions:action", args=[pk]),
                "edit_url": reverse("actions:action_edit", args=[pk]),
            }
            for pk in action_ids
        ],
        "users": EDITORS,
        "password": "demo",
    }
    Path(args.out).write_text(json.dumps(targets, indent=1))
    print(
        f"Sofia's Action Table has {total} rows; workbook export: {export_url or 'not available'}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
