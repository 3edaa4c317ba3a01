"""Which field of the Action Table a hand-made spreadsheet's column is, and which
list entry each of its values is.

A column is suggested from its header: the workbook's own headers in any of the
site's languages (``labels.recognise``) first, then a list of synonyms in
Bulgarian and English that includes the headings of an URBACT Integrated
Action Plan. A column the table has no field for yet (funding source, risks,
comments) is a NOTE: its text is kept in the action's description under its
header, so that nothing typed is lost. The user (the page's mapping step, the
command's --map, --map-value and --default) changes any suggestion;
``ImportOptions`` carries what they chose.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import Action
from .export import COLUMN_KEYS
from .labels import normalise, recognise
from .synonyms import COLUMN_SYNONYMS, NOTE, NUMBERING, VALUE_SYNONYMS

# A column left out on purpose (NOTE: one whose text goes into the description).
IGNORE = ""
# Fields a column may be mapped to (the workbook's columns, and a note).
FIELDS = (*COLUMN_KEYS, NOTE)

VALUE_FIELDS = tuple(VALUE_SYNONYMS)
SIMILARITY = 0.8
# Words that turn a value into its opposite: no whole-word guess through them.
NEGATIONS = frozenset({"не", "not"})

_PUNCTUATION = re.compile(r"[\s:*]+$")
_QUOTES = re.compile(r"[\"'„“”«»‘’`]")


def fold(text: object) -> str:
    """``text`` without case, quotes, surrounding or doubled spaces: how titles,
    organisations and challenges compare."""
    return normalise(_QUOTES.sub("", str(text or "")))


def _header(text: object) -> str:
    return _PUNCTUATION.sub("", normalise(text))


@cache
def _synonyms() -> dict[str, str]:
    found = {}
    for key, words in COLUMN_SYNONYMS.items():
        for word in words:
            found[_header(word)] = key
    return found


def suggest_field(header: object) -> str | None:
    """The field a column headed ``header`` is, as far as its header says; NOTE for
    one the table keeps in the description; None for one it does not know."""
    key = recognise(header)
    if key in COLUMN_KEYS:
        return key
    text = _header(header)
    if not text or text in NUMBERING:
        return None
    if text in _synonyms():
        return _synonyms()[text]
    # "Budget (EUR)", "Срок (месец/година)": the words before a bracket.
    bare = re.sub(r"\s*[(\[].*$", "", text).strip()
    return _synonyms().get(bare)


@dataclass
class ImportOptions:
    """What the user chose over the suggestions (empty: take every suggestion)."""

    # The sheet to read, by its title (None: the one most like an Action Table).
    sheet: str | None = None
    # Header (as ``_header`` folds it) → field, NOTE or IGNORE.
    columns: dict[str, str] = field(default_factory=dict)
    # Field → {value as ``fold`` folds it → list entry}.
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    # Field the file lacks → the entry every row takes (activity type: "other").
    defaults: dict[str, str] = field(default_factory=dict)
    # Rows (their number in the sheet) matched by title that are new actions instead.
    as_new: set[int] = field(default_factory=set)
    # Row → the version of the action it matched by title when the user saw the
    # preview (the apply refuses a lost update as for a row with an ID).
    seen_versions: dict[int, int] = field(default_factory=dict)
    # Names (folded) of organisations to create → their kind; of challenges → their strand.
    create_organisations: dict[str, str] = field(default_factory=dict)
    create_challenges: dict[str, str] = field(default_factory=dict)

    def column_for(self, header: object) -> str | None:
        """The field the user chose for ``header``, or the suggestion."""
        text = _header(header)
        if text in self.columns:
            return self.columns[text] or None
        return suggest_field(header)

    def as_dict(self) -> dict:
        return {
            "columns": dict(self.columns),
            "values": {key: dict(values) for key, values in self.values.items()},
            "defaults": dict(self.defaults),
        }

    def under(self, remembered: dict) -> ImportOptions:
        """These options over a mapping remembered for the layout (the user's choice wins)."""
        base = ImportOptions.remembered(remembered)
        values = {key: dict(entries) for key, entries in base.values.items()}
        for key, entries in self.values.items():
            values.setdefault(key, {}).update(entries)
        return ImportOptions(
            sheet=self.sheet,
            columns={**base.columns, **self.columns},
            values=values,
            defaults={**base.defaults, **self.defaults},
            as_new=set(self.as_new),
            seen_versions=dict(self.seen_versions),
            create_organisations=dict(self.create_organisations),
            create_challenges=dict(self.create_challenges),
        )

    @classmethod
    def remembered(cls, data: dict | None) -> ImportOptions:
        data = data or {}
        return cls(
            columns=dict(data.get("columns", {})),
            values={key: dict(values) for key, values in data.get("values", {}).items()},
            defaults=dict(data.get("defaults", {})),
        )


def header_key(text: object) -> str:
    return _header(text)


def layout_key(headers: list[str]) -> str:
    """The layout a header row is (its headers, folded, in order): what a
    remembered mapping is kept under."""
    return "|".join(_header(text) for text in headers if _header(text))[:1000]


def choices(key: str) -> list[tuple[str, str]]:
    return list(Action._meta.get_field(key).choices)


@cache
def _value_spellings(key: str, languages: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for code, words in VALUE_SYNONYMS[key].items():
        for word in words:
            found[fold(word)] = code
    for language in languages:
        with translation.override(language):
            for code, label in choices(key):
                found[fold(label)] = code
    for code, _label in choices(key):
        found[fold(code)] = code
        found[fold(code.replace("_", " "))] = code
    return found


def suggest_value(key: str, text: object) -> str | None:
    """The list entry of ``key`` (activity type, status) that ``text`` is: its label in
    either language, a synonym, or one of them spelled nearly alike; None if none."""
    spellings = _value_spellings(key, tuple(code for code, _name in settings.LANGUAGES))
    wanted = fold(text)
    if not wanted:
        return None
    if wanted in spellings:
        return spellings[wanted]
    # A text that negates ("не е започнато", "не завършено") is not the value it
    # names: no guess, neither by spelling nor by a word of it.
    words = set(re.findall(r"\w+", wanted))
    if words & NEGATIONS:
        return None
    close = difflib.get_close_matches(wanted, list(spellings), n=1, cutoff=SIMILARITY)
    if close:
        return spellings[close[0]]
    # "Информационна кампания за ...": a synonym as a whole word of it.
    hits = {code for spelling, code in spellings.items() if spelling in words}
    return hits.pop() if len(hits) == 1 else None


def warm_up() -> None:
    """Look up once, in this process, what the reading child will look up."""
    _synonyms()
    suggest_field("")
    for key in VALUE_FIELDS:
        suggest_value(key, "x")


class OptionError(ValueError):
    """A --map, --map-value or --default (or a form's choice) names no field or entry."""


def field_named(text: str) -> str | None:
    """The field ``text`` names: its key, its header in either language, "note";
    None for "ignore" (or nothing)."""
    wanted = text.strip()
    if wanted.casefold() in ("", "ignore", "-", "none"):
        return None
    if wanted in FIELDS:
        return wanted
    key = suggest_field(wanted)
    if key is None:
        raise OptionError(
            _("%(text)s names no field; use one of: %(fields)s")
            % {"text": wanted, "fields": ", ".join((*FIELDS, "ignore"))}
        )
    return key


def entry_named(key: str, text: str) -> str:
    """The list entry of ``key`` that ``text`` names (its code, its label, a synonym)."""
    codes = [code for code, _label in choices(key)]
    if text.strip() in codes:
        return text.strip()
    found = suggest_value(key, text)
    if found is None:
        raise OptionError(
            _("%(text)s is no entry of %(field)s; use one of: %(entries)s")
            % {"text": text, "field": key, "entries": ", ".join(codes)}
        )
    return found


def parse_options(
    *, sheet=None, maps=(), map_values=(), defaults=(), base: ImportOptions | None = None
) -> ImportOptions:
    """ImportOptions from the command line's ``--map "Header=field"``, ``--map-value
    "field:text=entry"`` and ``--default "field=entry"``."""
    options = base or ImportOptions()
    options.sheet = sheet or options.sheet
    for text in maps:
        header, separator, name = text.rpartition("=")
        if not separator or not header.strip():
            raise OptionError(_('write --map as "Header=field": %(text)s') % {"text": text})
        options.columns[header_key(header)] = field_named(name) or IGNORE
    for text in map_values:
        name, colon, rest = text.partition(":")
        value, separator, entry = rest.rpartition("=")
        key = field_named(name) if colon else None
        if not separator or key not in VALUE_FIELDS:
            raise OptionError(
                _('write --map-value as "field:text=entry" for %(fields)s: %(text)s')
                % {"fields": ", ".join(VALUE_FIELDS), "text": text}
            )
        options.values.setdefault(key, {})[fold(value)] = entry_named(key, entry)
    for text in defaults:
        name, separator, entry = text.partition("=")
        key = field_named(name) if separator else None
        if key not in VALUE_FIELDS:
            raise OptionError(
                _('write --default as "field=entry" for %(fields)s: %(text)s')
                % {"fields": ", ".join(VALUE_FIELDS), "text": text}
            )
        options.defaults[key] = entry_named(key, entry)
    return options
