"""python manage.py import_roadmap <roadmap id> FILE [--dry-run] [--user USERNAME]"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from actions.models import Roadmap
from actions.workbook.import_ import apply_import, preview_import
from actions.workbook.preview import CONFLICT, ERROR, ImportFailed, WorkbookRejected
from actions.workbook.safety import UnsafeUpload, check_workbook_file
from core import permissions


class Command(BaseCommand):
    help = (
        "Import a workbook's Action Table into a roadmap: print the preview, then apply it "
        "all or nothing. Applying needs --user, an account that may edit the roadmap; "
        "history records that user. --dry-run only prints the preview."
    )

    def add_arguments(self, parser):
        parser.add_argument("roadmap_id", type=int)
        parser.add_argument("file", help="the .xlsx file to import")
        parser.add_argument("--dry-run", action="store_true", help="preview only; write nothing")
        parser.add_argument("--user", help="username of the importing editor (for history)")

    def handle(self, *args, roadmap_id, file, dry_run, user, **options):
        roadmap = Roadmap.objects.select_related("city").filter(pk=roadmap_id).first()
        if roadmap is None:
            raise CommandError(f"No roadmap with ID {roadmap_id}.")
        importer = None
        if not dry_run:
            if not user:
                raise CommandError("Say who imports with --user USERNAME (or use --dry-run).")
            importer = get_user_model().objects.filter(username=user, is_active=True).first()
            if importer is None:
                raise CommandError(f"No active user named {user!r}.")
            if not permissions.can_edit_roadmap(importer, roadmap):
                raise CommandError(f"{user} may not edit the Action Table of “{roadmap}”.")
        try:
            with open(file, "rb") as workbook:
                workbook.seek(0, 2)
                check_workbook_file(workbook, workbook.tell())
                preview = preview_import(roadmap, workbook)
        except OSError as exc:
            raise CommandError(str(exc)) from None
        except (UnsafeUpload, WorkbookRejected) as exc:
            raise CommandError(exc.message) from None
        self._print_preview(preview)
        if preview.has_problems:
            raise CommandError("Nothing imported: correct the errors and conflicts first.")
        if dry_run or not preview.change_count:
            return
        try:
            result = apply_import(roadmap=roadmap, preview=preview, by=importer)
        except (ImportFailed, PermissionDenied) as exc:
            raise CommandError(f"Nothing imported: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result['created']} new and {result['changed']} changed actions."
            )
        )

    def _print_preview(self, preview) -> None:
        counts = preview.counts
        self.stdout.write(
            "{new} new, {changed} changed, {unchanged} unchanged, "
            "{conflict} conflicts, {error} with errors.".format(**counts)
        )
        for row in preview.rows_to_show():
            self.stdout.write(f"Row {row.row} [{row.kind}] {row.title}")
            for error in row.errors:
                self.stdout.write(f"  {error}")
            for change in row.changes:
                if row.kind in (CONFLICT, ERROR) or row.action_id:
                    self.stdout.write(f"  {change.label}: {change.old} → {change.new}")
                else:
                    self.stdout.write(f"  {change.label}: {change.new}")
