"""Organisations and challenges as a hand-made spreadsheet names them.

Names compare with case, spaces and quotes folded (``mapping.fold``), an
organisation by its name or one of its aliases ("BCCI", "БТПП"). A list of
partners is split on ";" and new lines, and on "," only where the parts are
known organisations or the whole is not one ("Денкщат България, Столична
община" is two; "Smith, Jones & Co" stays one if it is known as such).

A name the database lacks is collected (``missing_organisations``,
``missing_challenges``): the preview lists it with a tick box, and one ticked
(in ``ImportOptions``) stands in the row's data as a ``ToCreate`` until the
apply step creates it (``services.imports.create_missing``) and ``resolve``
puts its id in its place.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import NamedTuple

from django.utils.translation import gettext as _

from core.history_reasons import HistoryReason, history_reason

from .. import services
from ..models import Roadmap
from . import reading
from .mapping import ImportOptions, fold

# Challenges listed by name in a cell error up to this many.
LISTED_CHALLENGES = 20


class ToCreate(NamedTuple):
    """An organisation or challenge the import creates before the rows are applied."""

    kind: str  # "organisation" or "challenge"
    name: str


# The most pieces split on ";" that one partner's name is taken to hold: a cell of
# thousands of ";" is checked in linear time.
MAX_NAME_PIECES = 4
_AND = re.compile(r"\s+(?:и|and|&)\s+", re.IGNORECASE)


def aliases_of(text: str) -> list[str]:
    """An organisation's aliases as the admin keeps them: one a line, or separated by ";"."""
    return [part.strip() for part in re.split(r"[;\n]", text or "") if part.strip()]


class Names:
    def __init__(self, roadmap: Roadmap, options: ImportOptions):
        self.roadmap = roadmap
        self.options = options
        organisations = roadmap.eligible_partners().values_list("pk", "name", "city_id", "aliases")
        self.organisation_names: dict[int, str] = {}
        self.organisations_named: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for pk, name, city_id, aliases in organisations:
            self.organisation_names[pk] = name
            for spelling in {fold(name), *(fold(alias) for alias in aliases_of(aliases))}:
                self.organisations_named[spelling].append((pk, city_id))
        challenges = roadmap.challenges.values_list("pk", "title")
        self.challenge_titles = dict(challenges)
        self.challenges_named = {fold(title): pk for pk, title in challenges}
        # Folded name → the name as the file first wrote it.
        self.missing_organisations: dict[str, str] = {}
        self.missing_challenges: dict[str, str] = {}

    # --- organisations ---------------------------------------------------

    def _known(self, name: str) -> bool:
        return bool(self.organisations_named.get(fold(name)))

    def split(self, value: object) -> list[str]:
        """The partners a cell names."""
        names = []
        parts = []
        for line in reading.text(value).split("\n"):
            parts.extend(self._rejoined(line.split(";")))
        for part in parts:
            part = part.strip().strip(",").strip()
            if not part:
                continue
            pieces = [piece.strip() for piece in part.split(",") if piece.strip()]
            if len(pieces) > 1 and (
                all(self._known(piece) for piece in pieces) or not self._known(part)
            ):
                names.extend(pieces)
            else:
                names.append(part)
        return [piece for name in names for piece in self._joined_by_and(name)]

    def partners(self, value: object) -> frozenset:
        """Every partner a cell names; every unknown one named in one message."""
        found, unknown = set(), []
        for name in self.split(value):
            try:
                found.add(self.organisation(name))
            except reading.CellError as exc:
                unknown.append(exc.message)
        if unknown:
            # What is accepted said once, after every name not found.
            unknown.append(_("separate partners with ; or a new line"))
            raise reading.CellError("; ".join(unknown))
        return frozenset(found)

    def _rejoined(self, pieces: list[str]) -> list[str]:
        """Pieces of a line split on ";", with the runs that make a partner's whole
        name ("Grow; Share Foundation") joined again, the longest first."""
        found, start = [], 0
        while start < len(pieces):
            for end in range(min(len(pieces), start + MAX_NAME_PIECES), start + 1, -1):
                run = pieces[start:end]
                whole = next(
                    (name for name in ("; ".join(p.strip() for p in run), ";".join(run))
                     if self._known(name.strip())),
                    None,
                )  # fmt: skip
                if whole is not None:
                    found.append(whole)
                    start = end
                    break
            else:
                found.append(pieces[start])
                start += 1
        return found

    def _joined_by_and(self, name: str) -> list[str]:
        """ "Денкщат България и БТПП": two known organisations joined by "и"/"and";
        a name known as it is, or with a part unknown, stays whole."""
        if self._known(name):
            return [name]
        pieces = [piece.strip() for piece in _AND.split(name) if piece.strip()]
        if len(pieces) > 1 and all(self._known(piece) for piece in pieces):
            return pieces
        return [name]

    def organisation(self, name: str, hint: str = "") -> int | ToCreate:
        candidates = self.organisations_named.get(fold(name), [])
        if len(candidates) > 1:
            candidates = [c for c in candidates if c[1] == self.roadmap.city_id]
        if len({pk for pk, _city in candidates}) > 1:
            raise reading.CellError(
                _("several organisations are named “%(name)s”") % {"name": name}
            )
        if candidates:
            return candidates[0][0]
        self.missing_organisations.setdefault(fold(name), name)
        if fold(name) in self.options.create_organisations:
            return ToCreate("organisation", self.missing_organisations[fold(name)])
        message = _("no organisation named “%(name)s”") % {"name": name}
        raise reading.CellError(f"{message}; {hint}" if hint else message)

    # --- challenges --------------------------------------------------------

    def challenge(self, value: object) -> int | ToCreate | None:
        if reading.blank(value):
            return None
        name = reading.text(value).strip()
        found = self.challenges_named.get(fold(name))
        if found is not None:
            return found
        self.missing_challenges.setdefault(fold(name), name)
        if fold(name) in self.options.create_challenges:
            return ToCreate("challenge", self.missing_challenges[fold(name)])
        raise reading.CellError(
            _("no challenge named “%(name)s”") % {"name": name} + "; " + self._challenge_hint()
        )

    def _challenge_hint(self) -> str:
        titles = list(self.challenge_titles.values())
        if not titles:
            return _("the roadmap has no challenges: leave it empty")
        if len(titles) > LISTED_CHALLENGES:
            return _("write a challenge of the roadmap as the Overview sheet names it")
        return reading.one_of(reading.quoted(title) for title in titles)

    # --- display -----------------------------------------------------------

    def organisation_name(self, value) -> str:
        if isinstance(value, ToCreate):
            return _("%(name)s (new)") % {"name": value.name}
        return self.organisation_names.get(value, str(value))

    def challenge_title(self, value) -> str:
        if isinstance(value, ToCreate):
            return _("%(name)s (new)") % {"name": value.name}
        return self.challenge_titles.get(value, str(value))


def create_missing(*, roadmap: Roadmap, preview, by) -> dict[ToCreate, int]:
    """Create what the preview's ticked organisations and challenges are (a service
    call, in the apply's transaction, before its rows); the id of each."""
    if not preview.create_organisations and not preview.create_challenges:
        return {}
    created = services.import_missing_create(
        roadmap=roadmap,
        organisations=preview.create_organisations,
        challenges=preview.create_challenges,
        by=by,
    )
    return {ToCreate(kind, name): pk for (kind, name), pk in created.items()}


def row_reason(row) -> str:
    """History's reason for a row: imported, with the text as the file wrote it
    ("Deadline: Q2 2022 → 30.06.2022") where it was read as something else."""
    if row.interpretations:
        reason = history_reason(HistoryReason.IMPORTED_AS_WRITTEN, written=row.written())
        if len(reason) <= services.REASON_LENGTH:
            return reason
        # Too long for history's column: as much of the text as fits, in plain words.
        return _("imported; read as: %(written)s") % {"written": row.written()}
    return history_reason(HistoryReason.IMPORTED)


def resolve(data: dict, created: dict[ToCreate, int]) -> dict:
    """``data`` with each ToCreate replaced by the id of what was created for it."""
    resolved = dict(data)
    for key, value in data.items():
        if isinstance(value, ToCreate):
            resolved[key] = created[value]
        elif isinstance(value, frozenset) and any(isinstance(v, ToCreate) for v in value):
            resolved[key] = frozenset(created.get(v, v) for v in value)
    return resolved
