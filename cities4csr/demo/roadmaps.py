"""The demo roadmaps: Sofia's integrated CSR roadmap with its Action Table, and a
small roadmap for Vratsa so that city scoping can be seen (loader.py loads them)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from actions.models import Action, Roadmap

from .data import STATUS, STRAND, TYPE, _d


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
