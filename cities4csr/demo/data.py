"""The demo data itself: the CITIES4CSR network and Sofia's working group, and
what the other demo modules share (roadmaps.py: the Action Tables of Sofia and
Vratsa; meetings.py: Sofia's 2021 meetings; resources.py: its actions' resources).

Companies, NGOs and people are invented and marked as such ("(демо)",
"Demo organisation", example.org addresses). The real organisations and the
moderator are named as in the municipality's public news item.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from actions.models import Action, Challenge
from core import permissions
from core.history_reasons import HistoryReason, history_reason
from meetings.models import Contribution
from stakeholders.models import Membership, Organisation

DEMO_PASSWORD = "demo"
SOFIA_TZ = ZoneInfo("Europe/Sofia")
DEMO_NOTE = "Demo organisation: invented for the demo, not a real company or NGO."
KIND = Organisation.Kind
STATUS = Action.Status
TYPE = Action.ActivityType
STRAND = Challenge.Strand
OUTCOME = Contribution.Outcome
HISTORY_REASON = history_reason(HistoryReason.DEMO_DATA)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SOFIA_TZ)


def _d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


# --- The network -------------------------------------------------------------

# name, name in Bulgarian, local name, country, lead partner, working language
CITIES = [
    ("Milan", "Милано", "Milano", "IT", True, "en"),
    ("Sofia", "София", "София", "BG", False, "bg"),
    ("Vratsa", "Враца", "Враца", "BG", False, "bg"),
    ("Kekava", "Кекава", "Ķekava", "LV", False, "en"),
    ("Rijeka", "Риека", "Rijeka", "HR", False, "en"),
    ("Guimaraes", "Гимараеш", "Guimarães", "PT", False, "en"),
    ("Molina de Segura", "Молина де Сегура", "Molina de Segura", "ES", False, "en"),
    ("Budaors", "Будаьорш", "Budaörs", "HU", False, "en"),
    ("Bratislava", "Братислава", "Bratislava", "SK", False, "en"),
    ("Nantes", "Нант", "Nantes", "FR", False, "en"),
]

# key: city, name, kind, sector, website, notes, working-group role, member since
ORGANISATIONS = {
    "sofia": (
        "Sofia", "Столична община", KIND.MUNICIPALITY, "местна власт", "https://www.sofia.bg",
        "Sofia Municipality, partner of the CITIES4CSR network (URBACT III).",
        Membership.Role.MEMBER, _d(2019, 9, 1),
    ),
    "bcci": (
        "Sofia", "Българска търговско-промишлена палата", KIND.CHAMBER, "бизнес организация",
        "https://www.bcci.bg", "Bulgarian Chamber of Commerce and Industry (BCCI).",
        Membership.Role.MEMBER, _d(2019, 9, 1),
    ),
    "denkstatt": (
        "Sofia", "Денкщат България", KIND.CONSULTANCY, "консултантски услуги", "",
        "Denkstatt Bulgaria: coordinates the local working group, develops the integrated "
        "CSR roadmap and supports the demonstration activity.",
        Membership.Role.COORDINATOR, _d(2019, 9, 1),
    ),
    "logistics": (
        "Sofia", "Зелена логистика ЕООД (демо)", KIND.COMPANY, "транспорт и логистика", "",
        DEMO_NOTE, Membership.Role.MEMBER, _d(2020, 1, 15),
    ),
    "software": (
        "Sofia", "ТехноСофт АД (демо)", KIND.COMPANY, "информационни технологии", "",
        DEMO_NOTE, Membership.Role.MEMBER, _d(2020, 1, 15),
    ),
    "bank": (
        "Sofia", "Банка Витоша АД (демо)", KIND.COMPANY, "финансови услуги", "",
        DEMO_NOTE, Membership.Role.MEMBER, _d(2020, 2, 3),
    ),
    "builder": (
        "Sofia", "Строителна група Искър ООД (демо)", KIND.COMPANY, "строителство", "",
        DEMO_NOTE, Membership.Role.MEMBER, _d(2021, 3, 18),
    ),
    "green_ngo": (
        "Sofia", "Сдружение „Зелена София“ (демо)", KIND.NGO, "околна среда", "",
        DEMO_NOTE, Membership.Role.MEMBER, _d(2019, 11, 20),
    ),
    "equal_ngo": (
        "Sofia", "Фондация „Равен шанс“ (демо)", KIND.NGO, "социално включване", "",
        DEMO_NOTE, Membership.Role.MEMBER, _d(2019, 11, 20),
    ),
    "volunteers": (
        "Sofia", "Доброволци за София (демо)", KIND.CIVIL_SOCIETY, "доброволчество", "",
        DEMO_NOTE, Membership.Role.MEMBER, _d(2020, 2, 3),
    ),
    "vratsa": (
        "Vratsa", "Община Враца", KIND.MUNICIPALITY, "местна власт", "",
        "Vratsa Municipality, partner of the CITIES4CSR network.",
        Membership.Role.MEMBER, _d(2019, 9, 1),
    ),
    "mill": (
        "Vratsa", "Врачанска мелница ООД (демо)", KIND.COMPANY, "хранителна промишленост", "",
        DEMO_NOTE, Membership.Role.MEMBER, _d(2020, 3, 2),
    ),
    "energy": (
        "Vratsa", "Северозападна енергия АД (демо)", KIND.COMPANY, "енергетика", "",
        DEMO_NOTE, Membership.Role.MEMBER, _d(2020, 3, 2),
    ),
}  # fmt: skip

# Organisations that also sit in another city's working group (organisation, city,
# role, since): Vratsa's energy company is in Sofia's group too, through a
# membership Sofia's staff made. It and its people stay Vratsa's: Sofia's staff
# see them and change neither (core.permissions).
SHARED_MEMBERSHIPS = [("energy", "Sofia", Membership.Role.MEMBER, _d(2021, 3, 18))]

_CONSENT_AT = _at(_d(2021, 3, 18), 9, 30)

# key: organisation, name, position, email, phone, consents to contact.
# Nikolay Mihaylov moderated the meeting of 16.09.2021 (he is named in the public
# news item); he is kept without contact details, which would be invented.
PEOPLE = {
    "ivana": ("sofia", "Ивана Демова", "главен експерт, Европейски програми и проекти",
              "ivana.demova@example.org", "+359 2 900 0101", True),
    "maria": ("sofia", "Мария Примерова", "секретар на местната работна група",
              "maria.primerova@example.org", "+359 2 900 0102", True),
    "georgi": ("sofia", "Георги Тестов", "старши експерт, Екология",
               "georgi.testov@example.org", "+359 2 900 0103", False),
    "stefan": ("bcci", "Стефан Демов", "експерт, корпоративна социална отговорност",
               "stefan.demov@example.org", "+359 2 811 0001", True),
    "mihaylov": ("denkstatt", "Николай Михайлов", "консултант по кръгова икономика",
                 "", "", False),
    "anna": ("denkstatt", "Анна Примерова", "координатор на проекта",
             "anna.primerova@example.org", "+359 888 000 201", True),
    "viktor": ("logistics", "Виктор Демов", "мениджър устойчивост",
               "viktor.demov@example.org", "+359 888 000 301", True),
    "kalina": ("software", "Калина Тестова", "ръководител „Хора и култура“",
               "kalina.testova@example.org", "+359 888 000 302", False),
    "boris": ("bank", "Борис Примеров", "директор „Корпоративни комуникации“",
              "boris.primerov@example.org", "+359 888 000 303", True),
    "dimitar": ("builder", "Димитър Демов", "управител",
                "dimitar.demov@example.org", "+359 888 000 304", False),
    "rositsa": ("green_ngo", "Росица Тестова", "председател",
                "rositsa.testova@example.org", "+359 888 000 401", True),
    "yana": ("equal_ngo", "Яна Примерова", "програмен директор",
             "yana.primerova@example.org", "+359 888 000 402", True),
    "ivo": ("volunteers", "Иво Демов", "координатор доброволци",
            "ivo.demov@example.org", "+359 888 000 403", False),
    "tsveta": ("vratsa", "Цветелина Демова", "експерт, Местно икономическо развитие",
               "tsvetelina.demova@example.org", "+359 92 000 101", True),
    "petko": ("mill", "Петко Тестов", "управител",
              "petko.testov@example.org", "+359 92 000 201", False),
    "lyubomir": ("energy", "Любомир Примеров", "мениджър устойчивост",
                 "lyubomir.primerov@example.org", "+359 92 000 301", True),
}  # fmt: skip

# People who hold a place in the working group of their own (organisation, person, role).
PERSON_MEMBERSHIPS = [("mihaylov", Membership.Role.MODERATOR), ("maria", Membership.Role.MODERATOR)]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    description: str
    cities: tuple[str, ...] = ()
    person: str | None = None
    is_staff: bool = True
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("editor", permissions.EDITOR, _("edits Sofia's Action Table"), ("Sofia",), "ivana"),
    DemoUser("moderator", permissions.MODERATOR, _("runs Sofia's meetings"), ("Sofia",), "maria"),
    DemoUser(
        "partner",
        permissions.PARTNER,
        _("a company in Sofia's working group"),
        person="viktor",
        is_staff=False,
    ),
    DemoUser(
        "editor-vratsa",
        permissions.EDITOR,
        _("edits Vratsa's Action Table"),
        ("Vratsa",),
        "tsveta",
    ),
    DemoUser("admin", permissions.NETWORK_ADMIN, _("network admin: all cities"), is_superuser=True),
]
