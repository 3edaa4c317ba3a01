"""The preview page's mapping step: what its form offers (the sheets, each column's
field, each list value's entry, the defaults, what to create) and the
ImportOptions its POST says.

The form sends the same words as the command line's options, so that both are
read by ``mapping.parse_options``: ``map`` = "Header=field", ``map-value`` =
"field:text=entry", ``default`` = "field=entry"; and ``sheet``, ``as-new`` (row
numbers), ``create-organisation`` / ``kind:<name>`` and ``create-challenge`` /
``strand:<name>`` (names folded); ``seen`` ("row=version ...", the versions shown
of the rows matched by title, in one field).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from stakeholders.models import Organisation

from ..models import Challenge
from .labels import label
from .mapping import FIELDS, NOTE, VALUE_FIELDS, ImportOptions, OptionError, choices, parse_options
from .preview import ImportPreview

# How many rows, tick boxes or values one form may send (a crafted POST is refused).
MAX_ENTRIES = 5_000
# Rows matched by title whose versions the apply form sends back (in one field): as
# many as an import reads.
MAX_SEEN = 100_000


def _field_choices() -> list[tuple[str, str]]:
    found = [("ignore", _("(ignored)")), (NOTE, _("kept in the description"))]
    found += [(key, label(key)) for key in FIELDS if key not in (NOTE, "id", "version")]
    return found


def context(preview: ImportPreview) -> dict:
    """What the template needs for the mapping step."""
    return {
        "field_choices": _field_choices(),
        "value_choices": {
            key: [(c, str(name)) for c, name in choices(key)] for key in VALUE_FIELDS
        },
        "activity_types": [(c, str(name)) for c, name in choices("activity_type")],
        "organisation_kinds": [(c, str(name)) for c, name in Organisation.Kind.choices],
        "challenge_strands": [(c, str(name)) for c, name in Challenge.Strand.choices],
        "show_mapping": preview.hand_made,
        "hidden_fields": hidden_fields(preview) if preview.hand_made else [],
    }


def _many(post, name: str) -> list[str]:
    values = [value for value in post.getlist(name) if value]
    if len(values) > MAX_ENTRIES:
        raise OptionError(_("The form sent too many choices."))
    return values


def options(post) -> ImportOptions:
    """The user's choices in the preview's form (nothing: the suggestions)."""
    chosen = parse_options(
        sheet=post.get("sheet") or None,
        maps=_many(post, "map"),
        map_values=_many(post, "map-value"),
        defaults=_many(post, "default"),
    )
    for number in _many(post, "as-new"):
        if number.isdigit():
            chosen.as_new.add(int(number))
    seen_rows = [seen for packed in _many(post, "seen") for seen in packed.split()]
    if len(seen_rows) > MAX_SEEN:
        raise OptionError(_("The form sent too many choices."))
    for seen in seen_rows:
        number, _equals, version = seen.partition("=")
        if number.isdigit() and version.isdigit():
            chosen.seen_versions[int(number)] = int(version)
    kinds = {code for code, _name in Organisation.Kind.choices}
    for folded in _many(post, "create-organisation"):
        kind = post.get(f"kind:{folded}", "")
        if kind not in kinds:
            raise OptionError(_("Choose the kind of each organisation to create."))
        chosen.create_organisations[folded] = kind
    strands = {code for code, _name in Challenge.Strand.choices}
    for folded in _many(post, "create-challenge"):
        strand = post.get(f"strand:{folded}", "")
        if strand not in strands:
            raise OptionError(_("Choose the strand of each challenge to create."))
        chosen.create_challenges[folded] = strand
    return chosen


def hidden_fields(preview: ImportPreview) -> list[tuple[str, str]]:
    """The choices this preview was made with, as the apply form sends them again (so
    that what is applied is what was shown)."""
    fields = [("sheet", preview.sheet)]
    for column in preview.columns:
        fields.append(("map", f"{column.header}={column.field or 'ignore'}"))
    for value in preview.values:
        if value.entry:
            fields.append(("map-value", f"{value.field}:{value.text}={value.entry}"))
    for key, entry in preview.defaults.items():
        fields.append(("default", f"{key}={entry}"))
    seen = []
    for row in preview.rows:
        if row.as_new:
            fields.append(("as-new", str(row.row)))
        if row.matched_by_title and row.version is not None:
            seen.append(f"{row.row}={row.version}")
    if seen:
        # One field for every row matched by title: Django refuses a form of more
        # than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields, and a hand-made
        # roadmap may have more rows than that.
        fields.append(("seen", " ".join(seen)))
    for folded, name in preview.missing_organisations.items():
        if name in preview.create_organisations:
            fields.append(("create-organisation", folded))
            fields.append((f"kind:{folded}", preview.create_organisations[name]))
    for folded, name in preview.missing_challenges.items():
        if name in preview.create_challenges:
            fields.append(("create-challenge", folded))
            fields.append((f"strand:{folded}", preview.create_challenges[name]))
    return fields
