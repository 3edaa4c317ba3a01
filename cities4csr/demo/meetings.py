"""Sofia's working-group meetings of 2021 in the demo, and their loading: agenda,
attendance, contributions and next steps, found by their meeting and position."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actions.models import Roadmap
from meetings.models import AgendaItem, Attendance, Contribution, Meeting, NextStep

from .data import OUTCOME, _at, _d

if TYPE_CHECKING:
    from .loader import _Loader

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


def load_meetings(loader: _Loader, roadmap: Roadmap) -> None:
    """Sofia's meetings and their parts, each synced by ``loader`` (loader.py)."""
    actions = {action.title: action for action in roadmap.actions.all()}
    people, orgs = loader.people, loader.orgs
    for spec in MEETINGS:
        meeting = loader.sync(
            Meeting,
            {"roadmap": roadmap, "number": spec["number"]},
            {
                "title": spec["title"],
                "phase": PHASE_2,
                "start": spec["start"],
                "end": spec["end"],
                "format": Meeting.Format.ONLINE,
                "place": "онлайн",
                "moderator": people["mihaylov"],
                "status": Meeting.Status.MINUTES_APPROVED,
                "summary": spec["summary"],
            },
        )
        for position, (title, minutes, presenter) in enumerate(spec["agenda"], start=1):
            loader.sync(
                AgendaItem,
                {"meeting": meeting, "position": position},
                {"title": title, "duration_minutes": minutes, "presenter": people[presenter]},
            )
        for person, invited, attended in spec["attendance"]:
            loader.sync(
                Attendance,
                {"meeting": meeting, "person": people[person]},
                {"invited": invited, "attended": attended},
            )
        for position, contribution in enumerate(spec["contributions"], start=1):
            kind, author, org, text, action_title, outcome, discussion = contribution
            action = actions[action_title] if action_title else None
            # In the demo's story an accepted or merged proposal already became
            # its row, so the cockpit does not offer to apply it again.
            produced = (
                action
                if kind == Contribution.Kind.PROPOSAL
                and outcome in (Contribution.Outcome.ACCEPTED, Contribution.Outcome.MERGED)
                else None
            )
            loader.sync(
                Contribution,
                {"meeting": meeting, "position": position},
                {
                    "kind": kind,
                    "author": people[author],
                    "organisation": orgs[org],
                    "text": text,
                    "action": action,
                    "produced_action": produced,
                    "outcome": outcome,
                    "discussion_summary": discussion,
                },
            )
        for position, step in enumerate(spec["next_steps"], start=1):
            description, org, person, due_date, done = step
            loader.sync(
                NextStep,
                {"meeting": meeting, "position": position},
                {
                    "description": description,
                    "responsible_organisation": orgs[org],
                    "responsible_person": people[person],
                    "due_date": due_date,
                    "done": done,
                },
            )
