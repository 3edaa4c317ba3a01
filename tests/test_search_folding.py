"""Search folds case in every script, on SQLite (core/sqlite.py) as on PostgreSQL:
"зелен", "Зелен" and "ЗЕЛЕН" find the same rows. Runs on the suite's database."""

import pytest
from django.urls import reverse

from actions.models import Action
from core.sqlite import like
from tests import factories

SPELLINGS = ["зелен", "Зелен", "ЗЕЛЕН", "зЕлЕн"]


@pytest.fixture
def green(sofia_roadmap):
    return {
        factories.action(sofia_roadmap, title="Зелена София: дървета"),
        factories.action(sofia_roadmap, title="Паркове", description="зелени площи в районите"),
        factories.action(sofia_roadmap, title="Ремонт", expected_results="ЗЕЛЕНИ ДВОРОВЕ"),
    }


@pytest.fixture
def other(sofia_roadmap):
    return factories.action(sofia_roadmap, title="Училищна програма")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_orm_folds_cyrillic_case(green, other, spelling):
    found = set(Action.objects.filter(title__icontains=spelling))
    assert found == {action for action in green if "елен" in action.title.lower()}
    assert Action.objects.filter(title__iexact="зелена софия: ДЪРВЕТА").count() == 1
    assert Action.objects.filter(title__istartswith=spelling).count() == 1


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_action_table_filter_finds_the_same_rows_however_cased(
    client, editor, sofia_roadmap, green, other, spelling
):
    client.force_login(editor)
    response = client.get(reverse("actions:roadmap", args=[sofia_roadmap.pk]), {"q": spelling})
    shown = {row.pk for row in response.context["rows"]}
    assert shown == {action.pk for action in green}


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_admin_search_finds_the_same_rows_however_cased(client, editor, green, other, spelling):
    client.force_login(editor)
    response = client.get(reverse("admin:actions_action_changelist"), {"q": spelling})
    found = set(response.context["cl"].result_list)
    # The admin searches title, description and expected results.
    assert found == green


def test_the_search_of_a_city_by_its_bulgarian_name_folds_case(client, network_admin, sofia):
    sofia.name_bg = "София"
    sofia.save()
    client.force_login(network_admin)
    for spelling in ("софия", "СОФИЯ"):
        response = client.get(reverse("admin:stakeholders_city_changelist"), {"q": spelling})
        assert list(response.context["cl"].result_list) == [sofia]


@pytest.mark.parametrize(
    ("text", "pattern", "matches"),
    [
        ("Зелена София", "%софия%", True),
        ("ÄPFEL", "äpfel", True),
        ("Straße", "%STRASSE%", True),  # casefold, as Python compares without case
        ("50% off", r"50\%%", True),
        ("500 off", r"50\%%", False),
        ("a_b", r"a\_b", True),
        ("axb", r"a\_b", False),
        ("axb", "a_b", True),
        ("line\nbreak", "%break", True),
        ("зелен", "зелено", False),
    ],
)
def test_like_matches_as_sql_does_with_case_folded(text, pattern, matches):
    assert like(pattern, text, "\\") is matches
    assert like(None, text) is None and like(pattern, None) is None
