"""python manage.py export_roadmap <roadmap id> -o FILE [--lang bg|en]"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from actions.management.errors import MessageOnlyErrors
from actions.models import Roadmap
from actions.workbook.export import export_queryset, registered_sheets, write_workbook
from actions.workbook.reading import quoted


class Command(MessageOnlyErrors, BaseCommand):
    help = "Write a roadmap's workbook (.xlsx) to a file: every action, no filter."

    def add_arguments(self, parser):
        parser.add_argument("roadmap_id", type=int)
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="the workbook's language (default: the site's)",
        )

    def handle(self, *args, roadmap_id, output, lang, **options):
        roadmap = Roadmap.objects.select_related("city").filter(pk=roadmap_id).first()
        if roadmap is None:
            raise CommandError(_("No roadmap with ID %(id)s.") % {"id": roadmap_id})
        with open(output, "wb") as out, translation.override(lang):
            stats = write_workbook(
                roadmap,
                export_queryset(roadmap.actions.all()),
                out,
                extra_sheets=registered_sheets(),
            )
        self.stdout.write(
            _("Wrote %(count)s actions of %(roadmap)s to %(file)s.")
            % {"count": stats.total, "roadmap": quoted(roadmap), "file": output}
        )
