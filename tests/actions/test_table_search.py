"""The Action Table's search finds a row by its lead or key partners' names and
other names (``Organisation.aliases``, issue 18), case folded in every script on
SQLite and PostgreSQL alike, in the same query as the rest of the search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories


@pytest.fixture
def rows(sofia, sofia_roadmap, sofia_company):
    chamber = factories.organisation(
        sofia,
        "Българска търговско-промишлена палата",
        kind="chamber",
        aliases="BCCI\nБТПП",
    )
    municipality = factories.organisation(
        sofia, "Столична община", kind="municipality", aliases="Sofia Municipality; СО"
    )
    return {
        "led": factories.action(sofia_roadmap, title="Awards", lead_partner=chamber),
        "partnered": factories.action(
            sofia_roadmap,
            title="Mentoring",
            lead_partner=sofia_company,
            key_partners=[chamber, municipality],
        ),
        "other": factories.action(sofia_roadmap, title="Greening", lead_partner=sofia_company),
    }


def _titles(client, roadmap, words) -> list[str]:
    response = client.get(reverse("actions:roadmap", args=[roadmap.pk]), {"q": words})
    assert response.status_code == 200
    return sorted(row.title for row in response.context["rows"])


@pytest.mark.parametrize(
    ("words", "titles"),
    [
        # An alias, in another case of the Cyrillic script.
        ("бтпп", ["Awards", "Mentoring"]),
        ("bcci", ["Awards", "Mentoring"]),
        # A key partner's alias only; the row once, though two of its partners match.
        ("sofia municipality", ["Mentoring"]),
        ("о", ["Awards", "Mentoring"]),
        # The names, as before the aliases.
        ("ТЪРГОВСКО", ["Awards", "Mentoring"]),
        ("demo company", ["Greening", "Mentoring"]),
        ("nobody", []),
    ],
)
def test_search_finds_rows_by_their_partners_names_and_aliases(
    client, editor, sofia_roadmap, rows, words, titles
):
    client.force_login(editor)
    assert _titles(client, sofia_roadmap, words) == titles


def test_search_by_an_alias_takes_no_query_more_than_by_a_title(
    client, editor, sofia_roadmap, rows
):
    client.force_login(editor)
    url = reverse("actions:roadmap", args=[sofia_roadmap.pk])
    client.get(url, {"q": "Awards"})  # the session and caches warm
    counts = []
    for words in ("Awards", "БТПП"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"q": words})
        assert [row.title for row in response.context["rows"]][:1] == ["Awards"]
        counts.append(len(queries))
    assert counts[0] == counts[1]
