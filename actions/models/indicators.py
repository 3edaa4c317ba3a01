"""The measurable indicators of an action's expected results."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.numbers import format_number

from .rows import Action

# Units that make an indicator a yes or a no, as people write them.
YES_NO_UNITS = {"да/не", "yes/no", "y/n", "д/н"}


class Indicator(models.Model):
    """A measurable indicator of an action's expected results."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("action")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    current = models.DecimalField(
        _("current value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        # By the action's column, not "action": that would cascade into the action's
        # ordering and on into its roadmap's and city's (four tables joined and
        # sorted for every prefetch of indicators).
        ordering = ["action_id", "position", "pk"]
        indexes = [
            # Whether an action has an indicator with a baseline and a target
            # (Action.measurable_condition, counted over a whole roadmap by the table):
            # answered from this index alone, not from the indicators' rows.
            models.Index(fields=["action", "baseline", "target"], name="indicator_measured"),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def is_yes_no_unit(unit: str) -> bool:
        """Whether ``unit`` says the indicator is a yes or a no ("да/не", "yes/no"):
        its values 0 and 1 read "no" and "yes"."""
        return unit.strip().casefold().replace(" ", "") in YES_NO_UNITS

    @staticmethod
    def value_of(value: Decimal | None, *, unit: str, none: str = "", separators=None) -> str:
        """One value of an indicator as the pages and the workbook write it: a
        number as the active language writes it ("30", "2,5", "15 000"), yes or
        no for a yes/no indicator, ``none`` when unknown."""
        if value is not None and value in (0, 1) and Indicator.is_yes_no_unit(unit):
            # The words of Django's yesno filter, translated by Django ("да", "не").
            yes, no, _maybe = str(_("yes,no,maybe")).split(",")
            return yes if value else no
        return format_number(value, none, separators=separators)

    @staticmethod
    def text_of(
        *,
        name: str,
        unit: str,
        baseline: Decimal | None,
        target: Decimal | None,
        separators: dict | None = None,
    ) -> str:
        """How the page and the workbook write an indicator: "name: baseline → target
        unit" ("Подписан меморандум: не → да" for a yes/no one), "?" where unknown;
        ``separators`` as ``core.numbers.format_number`` takes them."""
        baseline_text = Indicator.value_of(baseline, unit=unit, none="?", separators=separators)
        target_text = Indicator.value_of(target, unit=unit, none="?", separators=separators)
        if Indicator.is_yes_no_unit(unit) and {baseline, target} <= {0, 1, None}:
            unit = ""
        unit = f" {unit}" if unit else ""
        return f"{name}: {baseline_text} → {target_text}{unit}"

    def text(self) -> str:
        return self.text_of(
            name=self.name, unit=self.unit, baseline=self.baseline, target=self.target
        )

    def baseline_text(self) -> str:
        return self.value_of(self.baseline, unit=self.unit)

    def target_text(self) -> str:
        return self.value_of(self.target, unit=self.unit)

    def current_text(self, separators=None) -> str:
        """The current value, "" when unknown."""
        return self.value_of(self.current, unit=self.unit, separators=separators)
