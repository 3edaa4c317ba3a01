"""A city's name in the reader's language: София in Bulgarian, Sofia in English,
on the pages, in the admin and in the workbook."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from cities4csr import demo
from stakeholders.models import City


@pytest.fixture
def sofia_bg(sofia):
    sofia.name_bg = "София"
    sofia.save()
    return sofia


def test_a_city_is_named_in_the_active_language(sofia_bg, vratsa):
    with translation.override("bg"):
        assert str(sofia_bg) == "София"
        # No Bulgarian name: the English one.
        assert str(vratsa) == "Vratsa"
    with translation.override("en"):
        assert str(sofia_bg) == "Sofia"


def test_pages_and_admin_name_the_city_in_the_readers_language(
    client, editor, sofia_bg, sofia_roadmap
):
    client.force_login(editor)
    client.cookies["django_language"] = "bg"
    for url in (
        reverse("actions:roadmap_list"),
        reverse("actions:roadmap", args=[sofia_roadmap.pk]),
        reverse("dashboard"),
        reverse("admin:actions_roadmap_changelist"),
    ):
        html = client.get(url).content.decode()
        assert "София" in html, url
    client.cookies["django_language"] = "en"
    assert "Sofia" in client.get(reverse("actions:roadmap_list")).content.decode()


def test_the_workbook_names_the_city_in_the_readers_language(
    client, editor, sofia_bg, sofia_roadmap
):
    client.force_login(editor)
    client.cookies["django_language"] = "bg"
    response = client.get(reverse("actions:export", args=[sofia_roadmap.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = {cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row}
    assert "София" in values and "Sofia" not in values


def test_the_demo_data_names_its_cities_in_both_languages(db):
    demo.load()
    names = dict(City.objects.values_list("name", "name_bg"))
    assert names["Sofia"] == "София" and names["Vratsa"] == "Враца"
    assert all(names.values())
    with translation.override("bg"):
        assert City.objects.get(name="Sofia").get_country_display() == "България"
