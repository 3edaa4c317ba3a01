"""The demo data itself: the CITIES4CSR network, Sofia's working group, its
Action Table and its 2021 meetings, and a small roadmap for Vratsa.

Companies, NGOs and people are invented and marked as such ("(демо)",
"Demo organisation", example.org addresses). The real organisations and the
moderator are named as in the municipality's public news item.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from actions.models import Action, Challenge, Roadmap
from core import permissions
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


# --- Roadmaps and their Action Tables -----------------------------------------


@dataclass(frozen=True)
class RoadmapData:
    city: str
    title: str
    period: tuple[datetime.date, datetime.date]
    visibility: str
    main_challenges: str
    challenges: list[tuple[str, str, str, str]]  # key, strand, title, description


SOFIA_ROADMAP = RoadmapData(
    city="Sofia",
    title="Интегрирана пътна карта за корпоративна социална отговорност на София 2021–2023",
    period=(_d(2021, 1, 1), _d(2023, 12, 31)),
    visibility=Roadmap.Visibility.PARTNERS,
    main_challenges=(
        "Слабо и епизодично взаимодействие между Столична община, бизнеса и гражданските "
        "организации; липса на обща информация за инициативите по КСО в града; недостатъчна "
        "заетост на хора от уязвими групи; отпадъци, замърсяване на въздуха и недостиг на "
        "поддържани зелени площи. Пътната карта търси съвместни прагматични решения, които "
        "съчетават икономически, социални и екологични отговори (холистичен подход)."
    ),
    challenges=[
        ("incentives", STRAND.ECONOMIC, "Стимули и признание за отговорния бизнес",
         "Фирмите нямат ясен път как да се включат в общинските приоритети."),
        ("procurement", STRAND.ECONOMIC, "Отговорни обществени поръчки и местна икономика",
         "Общината като купувач може да насърчава устойчивите доставчици."),
        ("inclusion", STRAND.SOCIAL, "Заетост и приобщаване на уязвими групи",
         "Хора с увреждания, продължително безработни и младежи без опит."),
        ("participation", STRAND.SOCIAL, "Доброволчество и гражданско участие",
         "Фирмените доброволци не достигат до реалните нужди на районите."),
        ("circular", STRAND.ENVIRONMENTAL, "Отпадъци и кръгова икономика",
         "Офисни и строителни отпадъци, ниско ниво на повторна употреба."),
        ("green", STRAND.ENVIRONMENTAL, "Зелена градска среда и климат",
         "Недостиг на поддържани зелени площи и засенчване в кварталите."),
    ],
)  # fmt: skip

VRATSA_ROADMAP = RoadmapData(
    city="Vratsa",
    title="Пътна карта за корпоративна социална отговорност на Враца",
    period=(_d(2021, 1, 1), _d(2023, 12, 31)),
    visibility=Roadmap.Visibility.PRIVATE,
    main_challenges=(
        "Изселване на младите хора, малко местни работодатели с програми за КСО, "
        "поддръжка на природния парк „Врачански Балкан“."
    ),
    challenges=[
        ("youth", STRAND.SOCIAL, "Млади хора и местни работни места", ""),
        ("nature", STRAND.ENVIRONMENTAL, "Природата около града", ""),
    ],
)


def _ind(name, unit, baseline, target, current=None, source=""):
    def dec(value):
        return None if value is None else Decimal(str(value))

    return {
        "name": name,
        "unit": unit,
        "baseline": dec(baseline),
        "target": dec(target),
        "current": dec(current),
        "source": source,
    }


def _row(challenge, activity_type, title, *, indicators=(), **fields):
    """One Action Table row: the service's editable fields plus its indicators."""
    fields.setdefault("currency", Action.Currency.EUR)
    for name in ("budget", "people_days"):
        if fields.get(name) is not None:
            fields[name] = Decimal(str(fields[name]))
    return {
        "challenge": challenge,
        "activity_type": activity_type,
        "title": title,
        "lead_partner": fields.pop("lead", None),
        "key_partners": fields.pop("partners", ()),
        "indicators": list(indicators),
        **fields,
    }


def sofia_actions(today: datetime.date) -> list[dict]:
    """Sofia's Action Table. A few deadlines follow ``today`` so that the dashboard
    always has something overdue and something due within a month."""
    days = datetime.timedelta
    return [
        _row("incentives", TYPE.EVENT, "Годишни награди на Столична община за КСО",
             description="Награди в три категории: малки, средни и големи предприятия.",
             expected_results="Признание за фирмите с устойчиви проекти в полза на града; "
             "повече кандидатури всяка година.",
             resources="Жури, церемония, комуникационна кампания.",
             budget=15000, currency=Action.Currency.BGN, people_days=30,
             in_kind="Зала за церемонията (БТПП).",
             lead="sofia", partners=("bcci", "denkstatt"),
             start_date=_d(2022, 1, 10), deadline=_d(2022, 11, 30),
             status=STATUS.DONE, progress=100,
             indicators=[_ind("Кандидатствали компании", "брой", 0, 30, 34,
                              "Регистър на кандидатурите")]),
        _row("procurement", TYPE.POLICY, "Насоки за зелени обществени поръчки на Столична община",
             description="Образци на екологични и социални критерии за най-честите поръчки.",
             expected_results="По-голям дял поръчки със зелени критерии.",
             resources="Юрист и експерт по поръчки; външна експертиза от Денкщат.",
             people_days=45, lead="sofia", partners=("denkstatt", "bcci"),
             start_date=_d(2022, 2, 1), deadline=_d(2023, 6, 30),
             status=STATUS.IN_PROGRESS, progress=60,
             indicators=[_ind("Дял на поръчките със зелени критерии", "%", 5, 25, 12,
                              "Регистър на обществените поръчки")]),
        _row("incentives", TYPE.PLATFORM, "Онлайн „КСО карта на София“: фирмени инициативи и нужди "
             "на районите",
             expected_results="Фирмите и районите намират едни други; инициативите са видими.",
             resources="Разработка и хостинг; модератор на съдържанието.",
             budget=40000, people_days=60, lead="software", partners=("sofia", "denkstatt"),
             start_date=today - days(300), deadline=today + days(12),
             status=STATUS.IN_PROGRESS, progress=80,
             indicators=[_ind("Публикувани инициативи", "брой", 0, 100, 74, "Статистика на "
                              "платформата"),
                         _ind("Включени райони", "брой", 0, 24, 17, "Статистика на платформата")]),
        _row("inclusion", TYPE.PARTNERSHIP, "Споразумение за наемане на хора с увреждания и "
             "продължително безработни",
             expected_results="Устойчиви работни места за хора от уязвими групи.",
             resources="Посредници по заетостта; обучение на работното място.",
             budget=60000, people_days=120, lead="bcci",
             partners=("sofia", "equal_ngo", "bank", "logistics"),
             start_date=_d(2022, 4, 1), deadline=today + days(240),
             status=STATUS.IN_PROGRESS, progress=40,
             indicators=[_ind("Наети лица от уязвими групи", "брой", 0, 80, 31,
                              "Отчети на работодателите")]),
        _row("inclusion", TYPE.TRAINING, "Менторска програма „Бизнесът в училище“ за професионалните "
             "гимназии",
             expected_results="Ученици с реален поглед към професиите и стажове във фирмите.",
             resources="Ментори от фирмите (доброволно време), учебни материали.",
             people_days=80, in_kind="Време на ментори от фирмите.",
             lead="bank", partners=("sofia", "software", "volunteers"),
             start_date=_d(2022, 9, 15), deadline=_d(2023, 6, 30),
             status=STATUS.DONE, progress=100,
             indicators=[_ind("Ученици с ментор", "брой", 0, 150, 172, "Списъци на училищата"),
                         _ind("Стажове след програмата", "брой", 0, 40, 36, "Фирмите")]),
        _row("participation", TYPE.VOLUNTEERING, "Платформа за корпоративно доброволчество",
             description="Фирмите предлагат доброволчески часове, районите публикуват нужди.",
             expected_results="Повече доброволчески часове, насочени към реални нужди.",
             resources="Координатор на доброволците; ИТ поддръжка.",
             budget=12000, people_days=50, lead="volunteers", partners=("sofia", "software"),
             start_date=today - days(400), deadline=today - days(20),
             status=STATUS.IN_PROGRESS, progress=70,
             indicators=[_ind("Доброволчески часове годишно", "часове", 500, 5000, 3200,
                              "Отчети на платформата")]),
        _row("participation", TYPE.EVENT, "Годишен форум „Бизнес и град“ за добри практики по КСО",
             expected_results="Обмен на добри практики; нови партньорства.",
             resources="Организация на форума, зала, модератор.",
             budget=8000, people_days=20, lead="bcci", partners=("sofia", "denkstatt"),
             start_date=today + days(30), deadline=today + days(150),
             status=STATUS.AGREED, progress=0,
             indicators=[_ind("Участници във форума", "брой", 0, 200, None, "Регистрация")]),
        _row("circular", TYPE.PILOT, "Пилотен проект за повторна употреба на офис оборудване",
             description="Демонстрационна дейност по CITIES4CSR: събиране, ремонт и "
             "даряване на офис техника.",
             expected_results="По-малко отпадъци; техника за училища и НПО.",
             resources="Склад, транспорт, сервиз.",
             budget=25000, people_days=90, in_kind="Транспорт (Зелена логистика).",
             lead="denkstatt", partners=("logistics", "software", "sofia"),
             start_date=_d(2022, 3, 1), deadline=_d(2022, 12, 15),
             status=STATUS.DONE, progress=100,
             indicators=[_ind("Повторно използвана техника", "тона", 0, 10, 12.5,
                              "Протоколи за предаване")]),
        _row("circular", TYPE.RESEARCH, "Пазарни консултации с фирми за оползотворяване на "
             "строителни отпадъци",
             expected_results="Ясни възможности за кръгови поръчки в строителството.",
             resources="Проучване, две работни срещи.",
             budget=10000, people_days=25, lead="builder", partners=("sofia", "green_ngo"),
             start_date=_d(2023, 1, 15), deadline=_d(2024, 3, 31),
             status=STATUS.POSTPONED, progress=20,
             indicators=[_ind("Проведени консултации", "брой", 0, 6, 2, "Протоколи")]),
        _row("green", TYPE.VOLUNTEERING, "„Осинови зелено място“: засаждане на дървета с фирмите "
             "в районите",
             expected_results="Нови дървета и поддържани зелени площи в кварталите.",
             resources="Фиданки, инструменти, поливане през първите две години.",
             budget=18000, people_days=40, lead="green_ngo",
             partners=("sofia", "bank", "builder"),
             start_date=today - days(200), deadline=today + days(45),
             status=STATUS.IN_PROGRESS, progress=55,
             indicators=[_ind("Засадени дървета", "брой", 0, 1000, 620, "Общински регистър на "
                              "зелените площи")]),
        _row("circular", TYPE.AWARENESS, "Кампания „Офис без пластмаса за еднократна употреба“",
             expected_results="По-малко пластмасови отпадъци в офисите на участващите фирми.",
             resources="Комуникационни материали; одит на отпадъците.",
             budget=5000, people_days=15, lead="denkstatt", partners=("bcci", "green_ngo"),
             start_date=_d(2022, 5, 1), deadline=_d(2022, 10, 31),
             status=STATUS.DONE, progress=100,
             indicators=[_ind("Включени офиси", "брой", 0, 40, 46, "Анкета")]),
        _row("incentives", TYPE.TRAINING, "Обучения за малки и средни предприятия по отчитане на "
             "устойчивостта (ESG)",
             expected_results="МСП, които публикуват първи отчет за устойчивост.",
             resources="Обучители, онлайн платформа.",
             budget=9000, people_days=30, lead="bcci", partners=("denkstatt",),
             start_date=today + days(20), deadline=today + days(200),
             status=STATUS.AGREED, progress=0,
             indicators=[_ind("Обучени предприятия", "брой", 0, 60, None, "Списъци на БТПП")]),
        _row("incentives", TYPE.PARTNERSHIP, "Меморандум за сътрудничество по КСО между Столична "
             "община и БТПП",
             expected_results="Постоянна рамка за съвместни инициативи.",
             resources="Юридическа подготовка; подписване.",
             people_days=10, lead="sofia", partners=("bcci",),
             start_date=_d(2021, 10, 1), deadline=_d(2022, 3, 31),
             status=STATUS.DONE, progress=100,
             indicators=[_ind("Подписан меморандум", "да/не", 0, 1, 1, "Деловодство")]),
        # Incomplete on purpose: the table shows what each row still lacks.
        _row("participation", TYPE.FUNDING, "Фонд за малки грантове за квартални инициативи, "
             "съфинансиран от бизнеса",
             expected_results="Квартални проекти на граждани с подкрепа от фирмите.",
             status=STATUS.PROPOSED),
        _row("green", TYPE.PILOT, "Зелени покриви на общински сгради с корпоративни партньори",
             resources="Технически оглед на покривите.", lead="sofia",
             partners=("builder",), status=STATUS.PROPOSED,
             indicators=[_ind("Площ на зелените покриви", "кв. м", None, None)]),
        _row("incentives", TYPE.COMMUNICATION, "Медийна кампания за добрите примери по КСО в София",
             lead="denkstatt", partners=("sofia",), start_date=today - days(60),
             deadline=today + days(90), status=STATUS.AGREED),
    ]  # fmt: skip


def vratsa_actions(today: datetime.date) -> list[dict]:
    days = datetime.timedelta
    return [
        _row("youth", TYPE.TRAINING, "Летни стажове за младежи във врачански фирми",
             expected_results="Младежи с първи трудов опит в родния град.",
             resources="Наставници във фирмите.", people_days=20, lead="mill",
             partners=("vratsa",), start_date=today - days(90), deadline=today + days(60),
             status=STATUS.IN_PROGRESS, progress=50,
             indicators=[_ind("Стажанти", "брой", 0, 25, 11, "Фирмите")]),
        _row("nature", TYPE.VOLUNTEERING, "Почистване на пътеки във „Врачански Балкан“ с "
             "фирмени доброволци",
             expected_results="Почистени туристически пътеки.", resources="Чували, транспорт.",
             budget=2000, lead="vratsa", partners=("mill",),
             start_date=_d(2022, 4, 1), deadline=_d(2022, 5, 31), status=STATUS.DONE,
             progress=100,
             indicators=[_ind("Почистени пътеки", "км", 0, 20, 24, "Община Враца")]),
        _row("youth", TYPE.FUNDING, "Дарителска кампания за читалищата", status=STATUS.PROPOSED,
             lead="vratsa"),
    ]  # fmt: skip


# --- Sofia's working-group meetings of 2021 -------------------------------------

PHASE_2 = "Фаза 2"
_AWARDS = "Годишни награди на Столична община за КСО"
_PROCUREMENT = "Насоки за зелени обществени поръчки на Столична община"
_MAP = "Онлайн „КСО карта на София“: фирмени инициативи и нужди на районите"
_VOLUNTEERING = "Платформа за корпоративно доброволчество"
_SCHOOLS = "Менторска програма „Бизнесът в училище“ за професионалните гимназии"
_REUSE = "Пилотен проект за повторна употреба на офис оборудване"

MEETINGS = [
    {
        "number": 1,
        "title": "Първа онлайн среща на работната група за 2021 г.: основни градски предизвикателства",
        "start": _at(_d(2021, 3, 18), 10), "end": _at(_d(2021, 3, 18), 12),
        "summary": "Рестартиране на работната група във Фаза 2. Участниците подредиха основните "
        "градски предизвикателства в три направления: икономическо, социално и екологично.",
        "agenda": [
            ("Откриване; цели на Фаза 2 на проекта CITIES4CSR", 15, "maria"),
            ("Основни градски предизвикателства: икономически, социални, екологични", 60,
             "mihaylov"),
            ("Обобщение и следващи стъпки", 15, "mihaylov"),
        ],
        "attendance": [("maria", True, True), ("ivana", True, True), ("mihaylov", True, True),
                       ("anna", True, True), ("stefan", True, True), ("rositsa", True, True),
                       ("boris", True, False)],
        "contributions": [
            ("comment", "rositsa", "green_ngo", "Отпадъците и зелените площи да бъдат отделни "
             "предизвикателства, а не едно общо „околна среда“.", None, OUTCOME.ACCEPTED,
             "Приема се: екологичното направление има две предизвикателства."),
            ("question", "stefan", "bcci", "Как фирмите ще разберат кои нужди на районите са "
             "приоритетни?", None, OUTCOME.NOTED,
             "Отговорът ще дойде от картата на инициативите, обсъдена на следващата среща."),
        ],
        "next_steps": [
            ("Денкщат България обобщава предизвикателствата в работен документ.", "denkstatt",
             "anna", _d(2021, 4, 9), True),
            ("Столична община кани още фирми в работната група.", "sofia", "maria",
             _d(2021, 5, 14), True),
        ],
    },
    {
        "number": 2,
        "title": "Втора онлайн среща на работната група за 2021 г.: идеи за съвместни действия",
        "start": _at(_d(2021, 6, 10), 10), "end": _at(_d(2021, 6, 10), 12),
        "summary": "Събрани бяха идеи за действия по трите направления; най-много подкрепа "
        "получиха наградите за КСО, менторството в училищата и повторната употреба на "
        "офис техника.",
        "agenda": [
            ("Обобщение на предизвикателствата от първата среща", 15, "anna"),
            ("Идеи за съвместни действия: работа в групи по направления", 75, "mihaylov"),
            ("Следващи стъпки", 15, "maria"),
        ],
        "attendance": [("maria", True, True), ("ivana", True, True), ("mihaylov", True, True),
                       ("anna", True, True), ("stefan", True, True), ("boris", True, True),
                       ("viktor", True, True), ("yana", True, True), ("kalina", True, False)],
        "contributions": [
            ("proposal", "boris", "bank", "Менторска програма на фирмите в професионалните "
             "гимназии.", _SCHOOLS, OUTCOME.ACCEPTED,
             "Подкрепено; Банка Витоша (демо) поема водещата роля."),
            ("proposal", "viktor", "logistics", "Събиране и повторна употреба на офис техника "
             "като демонстрационна дейност.", _REUSE, OUTCOME.ACCEPTED,
             "Избрано за демонстрационна дейност по проекта; Зелена логистика (демо) осигурява "
             "транспорта."),
            ("proposal", "yana", "equal_ngo", "Обща кампания за набиране на средства за "
             "социални услуги.", None, OUTCOME.DEFERRED,
             "Отложено до изясняване на източниците на финансиране."),
        ],
        "next_steps": [
            ("Денкщат България подготвя шаблон на Таблицата за действия.", "denkstatt", "mihaylov",
             _d(2021, 9, 1), True),
        ],
    },
    {
        "number": 3,
        "title": "Трета онлайн среща на работната група за 2021 г.: подготовка на Таблицата "
        "за действия",
        "start": _at(_d(2021, 9, 16), 10), "end": _at(_d(2021, 9, 16), 12, 30),
        "summary": "Направен бе преглед и бяха обобщени резултатите от предишните две работни "
        "събития. Започна подготовката на Таблицата за действия (Action Table): вид дейност, "
        "очаквани резултати, необходими ресурси, водещ партньор, ключови партньори и срок, с "
        "цел осезаеми и измерими резултати. Участниците подкрепиха идеята за Таблицата и "
        "направиха предложения и коментари, които бяха обсъдени и обобщени. Набелязани бяха "
        "следващите конкретни стъпки.",
        "agenda": [
            ("Откриване и представяне на участниците", 10, "maria"),
            ("Преглед и обобщение на резултатите от предишните две работни събития", 30,
             "mihaylov"),
            ("Подготовка на Таблицата за действия: вид дейност, очаквани резултати, необходими "
             "ресурси, водещ партньор, ключови партньори, срок", 40, "mihaylov"),
            ("Предложения и коментари на участниците; дискусия и обобщение", 50, "mihaylov"),
            ("Следващи конкретни стъпки", 20, "anna"),
        ],
        "attendance": [("maria", True, True), ("ivana", True, True), ("georgi", True, True),
                       ("mihaylov", True, True), ("anna", True, True), ("stefan", True, True),
                       ("viktor", True, True), ("kalina", True, True), ("boris", True, True),
                       ("dimitar", True, False), ("rositsa", True, True), ("yana", True, True),
                       ("ivo", True, True)],
        "contributions": [
            ("proposal", "stefan", "bcci", "Годишни награди за КСО в три категории според "
             "размера на предприятието.", _AWARDS, OUTCOME.ACCEPTED,
             "Подкрепено единодушно. БТПП ще съдейства за журито и церемонията; добавено в "
             "Таблицата за действия."),
            ("proposal", "ivo", "volunteers", "Обща онлайн платформа, в която фирмите предлагат "
             "доброволчески часове, а районите публикуват нужди.", _VOLUNTEERING,
             OUTCOME.ACCEPTED, "Подкрепено; ТехноСофт (демо) предложи техническа помощ."),
            ("proposal", "kalina", "software", "Отворени данни за всички проекти по КСО в града.",
             _MAP, OUTCOME.MERGED, "Обединено с картата на инициативите: данните ще се "
             "публикуват от нея."),
            ("comment", "rositsa", "green_ngo", "Зелените критерии в поръчките да обхващат и "
             "строителните отпадъци.", _PROCUREMENT, OUTCOME.MERGED,
             "Включено в обхвата на насоките за зелени поръчки."),
            ("proposal", "boris", "bank", "Местни данъчни облекчения за фирми с доказана КСО.",
             None, OUTCOME.REJECTED,
             "Извън правомощията на общината без промяна в националното законодателство."),
            ("proposal", "yana", "equal_ngo", "Социално предприятие за ремонт на офис техника, "
             "което наема хора в неравностойно положение.", None, OUTCOME.DEFERRED,
             "Отложено до резултатите от пилотния проект за повторна употреба."),
            ("comment", "georgi", "sofia", "Всяка дейност да има поне един индикатор с базова и "
             "целева стойност.", None, OUTCOME.NOTED,
             "Прието като правило за попълване на Таблицата."),
            ("question", "viktor", "logistics", "Може ли една фирма да е водещ партньор на повече "
             "от една дейност?", None, OUTCOME.NOTED,
             "Да, ако има ресурсите; ключовите партньори се посочват отделно."),
        ],
        "next_steps": [
            ("Изпращане на шаблона на Таблицата за действия на всички участници.", "denkstatt",
             "anna", _d(2021, 9, 23), True),
            ("Партньорите попълват своите предложения в Таблицата.", "bcci", "stefan",
             _d(2021, 10, 8), True),
            ("Съгласуване на Таблицата с направленията на Столична община.", "sofia", "ivana",
             _d(2021, 10, 29), True),
            ("Четвърта среща: обсъждане на попълнената Таблица за действия.", "sofia", "maria",
             _d(2021, 11, 18), False),
        ],
    },
]  # fmt: skip


# --- Resources of Sofia's actions (issue 16): funding lines, pledges, deliveries -------
# By the action's title. A funder is an organisation's key or a programme's name;
# each pledge: (organisation, kind, amount, unit, description, date, deliveries),
# each delivery: (date, amount, note). Amounts are in the action's currency.

SOFIA_RESOURCES: dict[str, dict] = {
    "Годишни награди на Столична община за КСО": {
        "funding": [
            ("Бюджет на Столична община", 10000, "received", "Дейност „Икономика и търговия“."),
            ("bank", 5000, "secured", "Спонсорство на наградния фонд."),
        ],
        "pledges": [
            ("bcci", "premises", 1, "days", "Зала за церемонията.", _d(2022, 3, 1),
             [(_d(2022, 11, 24), 1, "Церемонията по награждаване.")]),
            ("denkstatt", "pro_bono", 6, "days", "Методика и работа в журито.", _d(2022, 3, 1),
             [(_d(2022, 6, 30), 4, "Методика."), (_d(2022, 10, 31), 2, "Журиране.")]),
        ],
    },
    "Платформа за корпоративно доброволчество": {
        "funding": [
            ("Бюджет на Столична община", 6000, "secured", ""),
            ("software", 4000, "requested", "Предложение за съфинансиране на разработката."),
        ],
        "pledges": [
            ("software", "pro_bono", 20, "days", "Разработка и поддръжка на платформата.",
             _d(2022, 5, 15), [(_d(2022, 9, 30), 8, "Първа версия.")]),
            ("volunteers", "volunteer_hours", 240, "hours", "Координация на доброволците.",
             _d(2022, 5, 15), [(_d(2022, 12, 15), 120, "")]),
        ],
    },
    "„Осинови зелено място“: засаждане на дървета с фирмите в районите": {
        "funding": [
            ("Програма „Околна среда“ 2021–2027", 10000, "requested", ""),
            ("builder", 3000, "planned", ""),
        ],
        "pledges": [
            ("builder", "cash", 5000, "EUR", "Фиданки и поливни системи.", _d(2023, 2, 1),
             [(_d(2023, 4, 1), 2000, "Първа вноска."), (_d(2023, 10, 1), 1500, "")]),
            ("logistics", "in_kind", 12, "pieces", "Курсове на камион за фиданките.",
             _d(2023, 2, 1), [(_d(2023, 4, 1), 14, "Два курса повече от обещаното.")]),
        ],
    },
}  # fmt: skip
