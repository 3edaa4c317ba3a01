"""What our code is measured against: the limit of openpyxl, django-import-export
and the Django admin. Each is set up the way a competent Django team would set
it up, so that a ratio says something about our code and not about a straw man.
"""

from __future__ import annotations

from collections import defaultdict
from typing import IO

from django.contrib import admin
from django.db.models import Prefetch
from openpyxl import Workbook

from actions.admin import ActionAdmin
from actions.models import Action, Indicator, Roadmap
from actions.workbook.export import COLUMN_KEYS, export_queryset
from actions.workbook.labels import label
from core.history_reasons import HistoryReason, history_reason
from core.numbers import number_separators

# --- the limit: bare openpyxl, write-only, plain values --------------------


def limit_workbook(roadmap: Roadmap, out: IO[bytes]) -> int:
    """The values of our workbook's big sheets with nothing else: no styles, no checks.

    The Action Table from one flat query for the rows, one for the key partners
    and one for the indicators (a row has several of each), read as tuples, not
    models; then the Timeline's and the Indicators sheet's values from one query
    each. The Overview, Partners and Meetings sheets are a few dozen rows and
    left out.
    """
    actions = export_queryset(roadmap.actions.all())
    partners: dict[int, list[str]] = defaultdict(list)
    through = Action.key_partners.through.objects.filter(action__roadmap=roadmap)
    for action_id, name in through.values_list("action_id", "organisation__name").iterator():
        partners[action_id].append(name)
    indicators: dict[int, list[str]] = defaultdict(list)
    rows = (
        Indicator.objects.filter(action__roadmap=roadmap)
        .order_by("action_id", "position", "pk")
        .values_list("action_id", "name", "baseline", "target", "unit")
    )
    separators = number_separators()
    for action_id, name, baseline, target, unit in rows.iterator():
        indicators[action_id].append(
            Indicator.text_of(
                name=name, unit=unit, baseline=baseline, target=target, separators=separators
            )
        )
    activity_types = {value: str(text) for value, text in Action.ActivityType.choices}
    statuses = {value: str(text) for value, text in Action.Status.choices}

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(label("sheet_actions"))
    ws.append([label(key) for key in COLUMN_KEYS])
    values = actions.values_list(
        "title",
        "activity_type",
        "expected_results",
        "resources",
        "lead_partner__name",
        "deadline",
        "status",
        "progress",
        "start_date",
        "challenge__title",
        "description",
        "budget",
        "currency",
        "people_days",
        "in_kind",
        "pk",
        "version",
    )
    count = 0
    for row in values.iterator(chunk_size=2000):
        (title, activity, results, resources, lead, deadline, status, progress, start) = row[:9]
        challenge, description, budget, currency, people_days, in_kind, pk, version = row[9:]
        ws.append(
            [
                title,
                activity_types[activity],
                results,
                resources,
                lead or "",
                "; ".join(sorted(partners[pk])),
                deadline,
                statuses[status],
                progress,
                "\n".join(indicators[pk]),
                start,
                challenge or "",
                description,
                budget,
                currency,
                people_days,
                in_kind,
                pk,
                version,
            ]
        )
        count += 1
    _limit_timeline(wb.create_sheet(label("sheet_timeline")), actions)
    indicator_sheet = wb.create_sheet(label("sheet_indicators"))
    rows = (
        Indicator.objects.filter(action__roadmap=roadmap)
        .order_by("action__challenge__position", "action__position", "action_id", "position")
        .values_list(
            "action__title", "action_id", "name", "unit", "baseline", "target", "current", "source"
        )
    )
    for row in rows.iterator(chunk_size=2000):
        indicator_sheet.append(row)
    wb.save(out)
    return count


def _limit_timeline(ws, actions) -> None:
    """The same cells as our Timeline: a month per column in the header, and an action
    a row, its title, dates and status (our bars are conditional formatting over the
    empty month grid, coloured by the status written after it)."""
    rows = list(actions.values_list("title", "start_date", "deadline", "status"))
    days = [day for _title, start, end, _status in rows for day in (start, end) if day]
    if not days:
        return
    first = min(days).replace(day=1)

    def month(day):
        return (day.year - first.year) * 12 + day.month - first.month

    months = min(month(max(days)) + 1, 120)
    ws.append(["title", "start", "deadline", *range(months)])
    grid = [None] * months
    for title, start, deadline, status in rows:
        ws.append([title, start, deadline, *grid, status])


def limit_import(roadmap: Roadmap, content: bytes, *, by) -> int:
    """The Action Table's progress column of ``content`` into the database, with
    nothing else: python-calamine reads the sheet, the rows whose progress differs
    are written with ``bulk_update`` and their history with simple-history's
    ``bulk_update_with_history`` (no checks, no version check, no key partners).
    """
    import io

    from python_calamine import CalamineWorkbook
    from simple_history.utils import bulk_update_with_history

    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as workbook:
        rows = workbook.get_sheet_by_name(label("sheet_actions")).to_python()
    header = [str(value) for value in rows[0]]
    id_at, progress_at = header.index(label("id")), header.index(label("progress"))
    progress = {int(row[id_at]): int(row[progress_at]) for row in rows[1:] if row[id_at] != ""}
    # Whole rows: the history records every field.
    actions = list(roadmap.actions.filter(pk__in=progress).order_by())
    changed = [action for action in actions if action.progress != progress[action.pk]]
    for action in changed:
        action.progress = progress[action.pk]
        action.version += 1
    bulk_update_with_history(
        changed,
        Action,
        ["progress", "version"],
        batch_size=1000,
        default_user=by,
        default_change_reason=history_reason(HistoryReason.IMPORTED),
    )
    return len(changed)


# --- django-import-export ----------------------------------------------------


def import_export_available() -> bool:
    try:
        import import_export  # noqa: F401
        import tablib  # noqa: F401
    except ImportError:
        return False
    return True


def action_resource():
    """A ModelResource over the Action Table's columns, headed as our workbook is.

    Built on call (not at import) so that the headers are in the active
    language and the benchmark runs where django-import-export is missing.
    It stays out of INSTALLED_APPS: a Resource needs no app, only the admin
    integration would.
    """
    from import_export import fields, resources, widgets
    from import_export.instance_loaders import CachedInstanceLoader

    from stakeholders.models import Organisation

    class ChoiceLabelWidget(widgets.Widget):
        """Choices by their label, as our workbook writes them."""

        def __init__(self, choices):
            super().__init__()
            self.labels = {value: str(text) for value, text in choices}
            self.values = {text: value for value, text in self.labels.items()}

        def clean(self, value, row=None, **kwargs):
            return self.values.get(str(value).strip(), value)

        def render(self, value, obj=None, **kwargs):
            return self.labels.get(value, value)

    def column(key, attribute=None, widget=None, **kwargs):
        return fields.Field(
            attribute=attribute, column_name=label(key), widget=widget or widgets.Widget(), **kwargs
        )

    class ActionResource(resources.ModelResource):
        title = column("title", "title", widgets.CharWidget())
        activity_type = column(
            "activity_type", "activity_type", ChoiceLabelWidget(Action.ActivityType.choices)
        )
        expected_results = column("expected_results", "expected_results", widgets.CharWidget())
        resources = column("resources", "resources", widgets.CharWidget())
        lead_partner = column(
            "lead_partner", "lead_partner", widgets.ForeignKeyWidget(Organisation, "name")
        )
        key_partners = column(
            "key_partners",
            "key_partners",
            widgets.ManyToManyWidget(Organisation, separator=";", field="name"),
        )
        deadline = column("deadline", "deadline", widgets.DateWidget())
        status = column("status", "status", ChoiceLabelWidget(Action.Status.choices))
        progress = column("progress", "progress", widgets.IntegerWidget())
        indicators = column("indicators", readonly=True)
        start_date = column("start_date", "start_date", widgets.DateWidget())
        challenge = column(
            "challenge",
            "challenge",
            widgets.ForeignKeyWidget(Action._meta.get_field("challenge").related_model, "title"),
        )
        description = column("description", "description", widgets.CharWidget())
        budget = column("budget", "budget", widgets.DecimalWidget())
        currency = column("currency", "currency", widgets.CharWidget())
        people_days = column("people_days", "people_days", widgets.DecimalWidget())
        in_kind = column("in_kind", "in_kind", widgets.CharWidget())
        id = column("id", "id", widgets.IntegerWidget())
        version = column("version", "version", widgets.IntegerWidget(), readonly=True)

        class Meta:
            model = Action
            fields = COLUMN_KEYS
            export_order = COLUMN_KEYS
            import_id_fields = ("id",)
            # As its documentation advises for an import of many rows by id, and as
            # an admin that shows no diff would be set up: the rows read in one query,
            # no diff computed for the confirm step.
            instance_loader_class = CachedInstanceLoader
            skip_diff = True

        def dehydrate_indicators(self, action):
            return "\n".join(
                f"{ind.name}: {ind.baseline} → {ind.target} {ind.unit}".rstrip()
                for ind in action.indicators.all()
            )

    return ActionResource


def import_export_workbook(roadmap: Roadmap, resource_class) -> bytes:
    """django-import-export's XLSX export of the roadmap's actions, prefetched as ours are."""
    from import_export.formats.base_formats import XLSX

    queryset = (
        export_queryset(roadmap.actions.all())
        .select_related("lead_partner", "challenge")
        .prefetch_related("key_partners", Prefetch("indicators"))
    )
    dataset = resource_class().export(queryset)
    return XLSX().export_data(dataset)


def import_export_import(content: bytes, resource_class) -> dict[str, int]:
    """Dry run, then the import itself, as the admin's two steps do; one save per row.

    Each save goes through Model.save, so simple-history records every row.
    """
    from import_export.formats.base_formats import XLSX

    totals = {}
    for dry_run in (True, False):
        # The admin reads the stored file again for the second step.
        dataset = XLSX().create_dataset(content)
        result = resource_class().import_data(dataset, dry_run=dry_run, use_transactions=True)
        if result.has_errors() or result.has_validation_errors():
            raise RuntimeError(f"django-import-export refused the rows: {_first_error(result)}")
        totals = dict(result.totals)
    return totals


def _first_error(result) -> str:
    for row in result.invalid_rows[:1]:
        return f"row {row.number}: {row.error_dict}"
    for number, errors in result.row_errors()[:1]:
        return f"row {number}: {errors[0].error!r}"
    return "unknown"


# --- the Django admin with the table's columns --------------------------------


class TableColumnsActionAdmin(ActionAdmin):
    """The project's ActionAdmin (scoping, filters, search) showing the table's columns."""

    # The changelist uses no autocomplete, and the bench's sites register no admin of
    # the models it would reach: Django's system checks, which every management
    # command runs in a process that imported this module, refuse that (admin.E039).
    autocomplete_fields = ()

    list_display = (
        "title",
        "activity_type",
        "expected_results",
        "indicator_list",
        "resources",
        "budget",
        "people_days",
        "lead_partner",
        "key_partner_list",
        "deadline",
        "status",
        "progress",
        "start_date",
        "measurable",
    )
    list_per_page = 500
    list_max_show_all = 500

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("key_partners", "indicators")

    @admin.display(description="indicators")
    def indicator_list(self, action):
        return "; ".join(
            f"{ind.name}: {ind.baseline} → {ind.target}" for ind in action.indicators.all()
        )

    @admin.display(description="key partners")
    def key_partner_list(self, action):
        return ", ".join(str(partner) for partner in action.key_partners.all())

    @admin.display(description="tangible and measurable", boolean=True)
    def measurable(self, action):
        return action.is_measurable()


class FirstPageActionAdmin(TableColumnsActionAdmin):
    """The same, a page of 100 rows (the size of the table page's first page)."""

    list_per_page = 100


site = admin.AdminSite(name="bench_admin")
site.register(Action, TableColumnsActionAdmin)
paged_site = admin.AdminSite(name="bench_admin_paged")
paged_site.register(Action, FirstPageActionAdmin)
