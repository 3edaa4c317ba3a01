def test_roles_exist(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "editor",
        "moderator",
        "partner",
        "network admin",
    }
