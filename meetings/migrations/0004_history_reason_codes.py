"""History reasons as codes (core.history_reasons): the records written as text
in their writer's language become codes that every reader reads in their own."""

from django.db import migrations

from core.history_reasons import recode_history, uncode_history

HISTORY_MODELS = ("HistoricalMeeting", "HistoricalContribution")


def forwards(apps, schema_editor):
    recode_history(apps.get_model("meetings", name) for name in HISTORY_MODELS)


def backwards(apps, schema_editor):
    uncode_history(apps.get_model("meetings", name) for name in HISTORY_MODELS)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_version")]

    operations = [migrations.RunPython(forwards, backwards)]
