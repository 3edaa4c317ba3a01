"""Every word a page shows is translatable: no text outside {% translate %} and
{% blocktranslate %} in the templates, attributes that are read out included."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The pages checked here; the Action Table's templates are checked with the actions app.
CHECKED = [
    "dashboard.html",
    "includes/dashboard_actions.html",
    *sorted(str(p.relative_to(TEMPLATES)) for p in (TEMPLATES / "meetings").glob("*.html")),
]
READ_OUT = ("title", "aria-label", "placeholder", "alt")
WORD = re.compile(r"[^\W\d_]{2,}")


def untranslated(source: str) -> list[str]:
    """Text a reader sees that does not go through gettext."""
    text = re.sub(
        r"\{%\s*blocktrans(late)?\b.*?\{%\s*endblocktrans(late)?\s*%\}", "", source, flags=re.S
    )
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", text, flags=re.S)
    found = [
        match.group(0)
        for match in re.finditer(rf'\b({"|".join(READ_OUT)})="([^"]*)"', text)
        if WORD.search(match.group(2))
    ]
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    text = re.sub(r"<[^>]*>", "\n", text)
    found += [line.strip() for line in text.splitlines() if WORD.search(line)]
    return found


def test_the_check_finds_untranslated_text():
    source = '<nav aria-label="breadcrumb"><p>Prepare</p>{% translate "Fine" %}</nav>'
    assert untranslated(source) == ['aria-label="breadcrumb"', "Prepare"]


@pytest.mark.parametrize("name", CHECKED)
def test_template_text_is_translatable(name):
    assert untranslated((TEMPLATES / name).read_text(encoding="utf-8")) == []
