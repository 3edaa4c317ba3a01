"""The measurable indicators of an action's expected results."""

from decimal import Decimal

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .rows import Action


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
        ordering = ["action", "position", "pk"]

    def __str__(self):
        return self.name

    @staticmethod
    def text_of(*, name: str, unit: str, baseline: Decimal | None, target: Decimal | None) -> str:
        """How the page and the workbook write an indicator: "name: baseline → target
        unit", numbers as the active language writes them, "?" where unknown."""
        unit = f" {unit}" if unit else ""
        return f"{name}: {format_number(baseline, '?')} → {format_number(target, '?')}{unit}"

    def text(self) -> str:
        return self.text_of(
            name=self.name, unit=self.unit, baseline=self.baseline, target=self.target
        )


def format_number(value: Decimal | None, none: str = "") -> str:
    """A decimal as the active language writes it, without trailing zeros ("2,5", "10")."""
    if value is None:
        return none
    # number_format writes a Decimal with "{:f}": 1E+1 (10 normalized) as "10".
    return formats.number_format(value.normalize())
