"""The Bulgarian catalogue is complete: no untranslated or fuzzy entry, and what the
users see of Django and the third-party apps (django-axes' admin, simple-history's,
the month names, Django's messages) reads as Bulgarian writes it.

These pass once the catalogue is translated (``make messages``, then the new
entries translated): the texts of core/catalogue.py are collected from there.
"""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext, pgettext

from core import catalogue

PO = Path(settings.BASE_DIR) / "locale" / "bg" / "LC_MESSAGES" / "django.po"


def _entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list), flags;
    the header and obsolete (#~) entries left out."""
    entries, entry, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry.get("msgid"):
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if key == "msgstr":
                entry["msgstr"][-1] += text
            else:
                entry[key] += text
        else:
            word, _space, rest = line.partition(" ")
            text = ast.literal_eval(rest)
            if word.startswith("msgstr"):
                key = "msgstr"
                entry.setdefault("msgstr", []).append(text)
            else:
                key = word
                entry[key] = text
    return entries


ENTRIES = _entries(PO)


def _name(entry) -> str:
    return f"{entry.get('msgctxt', '')}|{entry['msgid']}"


def test_no_entry_is_untranslated_or_fuzzy():
    untranslated = [_name(e) for e in ENTRIES if not all(e.get("msgstr", [""]))]
    fuzzy = [_name(e) for e in ENTRIES if "fuzzy" in e.get("flags", ())]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"


def test_the_catalogue_quotes_as_bulgarian_does_without_a_space_before_a_stop():
    for entry in ENTRIES:
        for text in entry.get("msgstr", []):
            # Bulgarian quotes „so“; English “so” (its closing mark is ”).
            assert "”" not in text and text.count("„") == text.count("“"), _name(entry)
            assert not re.search(r"\s[.,;:](\s|$)", text), _name(entry)


def _third_party_labels() -> list[str]:
    config = apps.get_app_config("axes")
    labels = [config.verbose_name]
    for model in config.get_models():
        labels += [model._meta.verbose_name, model._meta.verbose_name_plural]
        labels += [
            field.verbose_name
            for field in model._meta.get_fields()
            if getattr(field, "verbose_name", None) and not field.auto_created
        ]
    return [str(label) for label in labels]


def test_third_party_admin_labels_are_translated():
    with translation.override("en"):
        english = _third_party_labels()
    with translation.override("bg"):
        bulgarian = _third_party_labels()
    untranslated = [e for e, b in zip(english, bulgarian, strict=True) if e == b]
    assert not untranslated


@pytest.mark.parametrize("group", ["AXES", "SIMPLE_HISTORY", "DJANGO"])
def test_the_texts_the_project_translates_for_others_are_translated(group):
    source = Path(catalogue.__file__).read_text(encoding="utf-8")
    block = source.split(f"{group} = (", 1)[1].split("\n)", 1)[0]
    msgids = [
        ast.literal_eval(m) for m in re.findall(r'gettext_noop\(\s*("(?:[^"\\]|\\.)*")', block)
    ]
    assert msgids
    with translation.override("bg"):
        missing = [msgid for msgid in msgids if gettext(msgid) == msgid]
        assert not missing
        mended = [gettext(msgid) for msgid in msgids] if group == "DJANGO" else []
    for text in mended:
        assert "”" not in text and not re.search(r"\s[.,](\s|$)", text), text
        assert "друг %(verbose_name)s" not in text, text
    if group == "SIMPLE_HISTORY":
        with translation.override("bg"):
            assert translation.ngettext("entry", "entries", 2) != "entries"


def test_month_names_within_a_date_are_lower_case():
    with translation.override("bg"):
        names = [
            formats.date_format(datetime.date(2026, month, 6), "j E Y").split()[1]
            for month in range(1, 13)
        ]
        assert names[1] == "февруари" and names[10] == "ноември"
        assert all(name == name.lower() for name in names), names
        assert formats.date_format(datetime.date(2027, 6, 1), "YEAR_MONTH_FORMAT") == "юни 2027"
        assert pgettext("alt. month", "January") == "януари"
