"""History reasons as codes (core.history_reasons): the records written as text
in their writer's language become codes that every reader reads in their own."""

from django.db import migrations

from core.history_reasons import recode_history, uncode_history

HISTORY_MODELS = ("HistoricalAction", "HistoricalIndicator", "HistoricalRoadmap")


def forwards(apps, schema_editor):
    recode_history(apps.get_model("actions", name) for name in HISTORY_MODELS)


def backwards(apps, schema_editor):
    uncode_history(apps.get_model("actions", name) for name in HISTORY_MODELS)


class Migration(migrations.Migration):
    dependencies = [("actions", "0002_version")]

    operations = [migrations.RunPython(forwards, backwards)]
