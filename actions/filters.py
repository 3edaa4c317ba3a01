"""The Action Table's filter and sort, kept in the URL so that a view can be
bookmarked, shared and exported exactly as seen."""

import datetime
import functools

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from stakeholders.models import Organisation

from .models import DUE_SOON_DAYS, Action, ActionQuerySet, Challenge
from .partner_updates import changed_by_partners_since


def _due_soon_label() -> str:
    return ngettext("due in %(days)s day", "due in %(days)s days", DUE_SOON_DAYS) % {
        "days": DUE_SOON_DAYS
    }


class ActionFilter(django_filters.FilterSet):
    DUE_CHOICES = [
        ("overdue", _("overdue")),
        # The same number of days as the filter and the dashboard use.
        ("soon", lazy(_due_soon_label, str)()),
    ]
    SORT_CHOICES = [
        ("", _("table order")),
        ("deadline", _("deadline, earliest first")),
        ("-deadline", _("deadline, latest first")),
        ("status", _("status")),
        ("-progress", _("progress, highest first")),
        ("title", _("title")),
    ]

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Action.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    challenge = django_filters.ModelChoiceFilter(
        label=_("Challenge"), queryset=Challenge.objects.none()
    )
    activity_type = django_filters.ChoiceFilter(
        label=_("Type of activity"), choices=Action.ActivityType.choices
    )
    lead_partner = django_filters.ModelChoiceFilter(
        label=_("Lead partner"), queryset=Organisation.objects.none()
    )
    key_partner = django_filters.ModelChoiceFilter(
        label=_("Key partner"),
        field_name="key_partners",
        queryset=Organisation.objects.none(),
    )
    due = django_filters.ChoiceFilter(label=_("Due"), choices=DUE_CHOICES, method="filter_due")
    ours = django_filters.BooleanFilter(
        label=_("Our actions"),
        method="filter_ours",
        # Sent as "ours=true", as the links and bookmarks to this view write it.
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "value": "true"}),
    )
    # For the city's staff: the rows partners changed since a day (issue 16), typed
    # as the user's language writes dates ("16.09.2021" in Bulgarian).
    partner_changes = django_filters.DateFilter(
        label=_("Changed by partners since"), method="filter_partner_changes"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Action
        fields = []

    def __init__(self, data=None, *args, roadmap, organisation_id=None, staff=False, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.roadmap = roadmap
        self.organisation_id = organisation_id
        self.filters["challenge"].queryset = roadmap.challenges.all()
        organisations = roadmap.involved_organisations()
        self.filters["lead_partner"].queryset = organisations
        self.filters["key_partner"].queryset = organisations
        if organisation_id is None:
            del self.filters["ours"]
        if not staff:
            del self.filters["partner_changes"]
        else:
            # How to write the day, as the reader's language does ("30.06.2027",
            # "30/06/2027"): a day typed another way is refused.
            self.filters["partner_changes"].field.widget.attrs["placeholder"] = date_format(
                datetime.date(2027, 6, 30), "SHORT_DATE_FORMAT"
            )
        # Even fields in the filter's grid: Bootstrap's classes on Django's own widgets.
        for filter_ in self.filters.values():
            widget = filter_.field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(widget, forms.TextInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")
        self._share_organisation_choices()

    def _share_organisation_choices(self) -> None:
        """The lead and key partners' selects offer the same organisations: read them
        once (a query over every row of the roadmap), not once per select. The fields
        keep their querysets, which check what is sent."""
        fields = self.form.fields
        lead, key = fields["lead_partner"], fields["key_partner"]

        @functools.cache
        def organisation_choices():
            # Its generator: list() of the iterator itself would ask its len(), a COUNT.
            return list(iter(lead.iterator(lead)))

        # A callable: read when a select is drawn, not for the export's filter.
        lead.widget.choices = key.widget.choices = organisation_choices

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Its lead or key partners by name or other name ("BCCI", "БТПП"), in the
        # same query.
        partners = Organisation.objects.named(value).values("pk")
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(expected_results__icontains=value)
            | Q(resources__icontains=value)
            | ActionQuerySet.led_or_partnered_by(partners)
        )

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "soon":
            return queryset.due_soon(today, DUE_SOON_DAYS)
        return queryset

    def filter_ours(self, queryset, name, value):
        if not value or self.organisation_id is None:
            return queryset
        return queryset.of_organisation(self.organisation_id)

    def filter_partner_changes(self, queryset, name, value):
        if not value:
            return queryset
        return changed_by_partners_since(queryset, value)

    def filter_sort(self, queryset, name, value):
        if value in dict(self.SORT_CHOICES) and value:
            return queryset.order_by(value, "position")
        return queryset

    @property
    def is_sorted(self) -> bool:
        return bool(self.form.is_valid() and self.form.cleaned_data.get("sort"))
