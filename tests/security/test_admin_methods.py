"""The admin answers GET, HEAD and POST only: any other method is a 405 before
any view runs, for every role, on the site's pages and on a model's."""

import pytest
from django.urls import reverse

from tests import factories

METHODS = ("put", "patch", "delete", "options", "trace")


@pytest.mark.parametrize("method", METHODS)
def test_admin_refuses_other_methods(client, db, method, sofia):
    admin_user = factories.network_admin()
    action = factories.action(factories.roadmap(sofia))
    client.force_login(admin_user)
    for url in (
        reverse("admin:index"),
        reverse("admin:actions_action_changelist"),
        reverse("admin:actions_action_change", args=[action.pk]),
        reverse("admin:actions_action_delete", args=[action.pk]),
        reverse("admin:login"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}
    assert action.__class__.objects.filter(pk=action.pk).exists()


def test_admin_refuses_other_methods_to_anonymous_visitors(client, db):
    assert client.put(reverse("admin:index")).status_code == 405
    assert client.generic("TRACE", reverse("admin:login")).status_code == 405


def test_admin_still_answers_get_head_and_post(client, db):
    client.force_login(factories.network_admin())
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.head(reverse("admin:index")).status_code == 200
    assert client.post(reverse("admin:logout")).status_code in (200, 302)
