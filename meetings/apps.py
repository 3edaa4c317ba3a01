from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # The roadmap's workbook (actions) shows the meetings, and a row's admin page
        # the proposals it came from; actions never imports meetings.
        from actions.admin_rows import register_proposed_at
        from actions.workbook.export import register_sheet

        from .admin_parts import proposals_of
        from .workbook import MEETINGS_SHEET

        register_sheet(MEETINGS_SHEET)
        register_proposed_at(proposals_of)
