"""python manage.py import_roadmap <roadmap id> FILE [--sheet NAME] [--map "Header=field" ...]
[--map-value "field:text=entry" ...] [--default "field=entry" ...] [--create-missing]
[--dry-run] [--user USERNAME] [--format json]

The same suggestions of headers and values as the page (a mapping remembered for
the file's layout included); the options override them. Everything it prints is
in the active language (LANGUAGE_CODE), messages and errors alike. ``--format
json`` prints the preview as JSON for scripts, with the mapping, the value
mappings, what it creates and each text date's interpretation.
"""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from actions.management.errors import MessageOnlyErrors
from actions.models import Challenge, Roadmap
from actions.workbook.import_ import COMMAND_MAX_ROWS, preview_import
from actions.workbook.import_apply import apply_import
from actions.workbook.labels import label
from actions.workbook.mapping import OptionError, parse_options
from actions.workbook.preview import CONFLICT, ERROR, ImportFailed, WorkbookRejected
from actions.workbook.reading import quoted
from actions.workbook.safety import UnsafeUpload, check_workbook_file
from actions.workbook.summary import remember
from core import permissions
from stakeholders.models import Organisation


class Command(MessageOnlyErrors, BaseCommand):
    help = (
        "Import a workbook's Action Table (.xlsx, .ods or .xls) into a roadmap: print the "
        "preview, then apply it all or nothing. Applying needs --user, an account that may "
        "edit the roadmap; history records that user. --dry-run only prints the preview; "
        "--format json prints it as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("roadmap_id", type=int)
        parser.add_argument("file", help="the .xlsx, .ods or .xls file to import")
        parser.add_argument("--dry-run", action="store_true", help="preview only; write nothing")
        parser.add_argument("--user", help="username of the importing editor (for history)")
        parser.add_argument(
            "--sheet", help="the sheet to read (default: the one most like an Action Table)"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help='a column\'s field, e.g. "Timescale=deadline", "Risks=note", "#=ignore"',
        )
        parser.add_argument(
            "--map-value",
            action="append",
            default=[],
            metavar="FIELD:TEXT=ENTRY",
            help='a list value\'s entry, e.g. "status:в процес=in_progress"',
        )
        parser.add_argument(
            "--default",
            action="append",
            default=[],
            metavar="FIELD=ENTRY",
            help='the entry of a field the file lacks, e.g. "activity_type=event"',
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="create the organisations and challenges the file names and the roadmap lacks",
        )
        parser.add_argument(
            "--organisation-kind",
            default=Organisation.Kind.COMPANY,
            choices=[kind for kind, _label in Organisation.Kind.choices],
            help="the kind of the organisations --create-missing creates",
        )
        parser.add_argument(
            "--challenge-strand",
            default=Challenge.Strand.SOCIAL,
            choices=[strand for strand, _label in Challenge.Strand.choices],
            help="the strand of the challenges --create-missing creates",
        )
        parser.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="text for people (the default), json for scripts",
        )

    def handle(self, *args, roadmap_id, file, dry_run, user, format, **options):
        as_json = format == "json"
        try:
            chosen = parse_options(
                sheet=options["sheet"],
                maps=options["map"],
                map_values=options["map_value"],
                defaults=options["default"],
            )
        except OptionError as exc:
            raise CommandError(str(exc)) from None
        roadmap = Roadmap.objects.select_related("city").filter(pk=roadmap_id).first()
        if roadmap is None:
            raise CommandError(_("No roadmap with ID %(id)s.") % {"id": roadmap_id})
        importer = None
        if not dry_run:
            if not user:
                raise CommandError(_("Say who imports with --user USERNAME (or use --dry-run)."))
            importer = get_user_model().objects.filter(username=user, is_active=True).first()
            if importer is None:
                raise CommandError(_("No active user named %(name)s.") % {"name": quoted(user)})
            if not permissions.can_edit_roadmap(importer, roadmap):
                raise CommandError(
                    _("%(user)s may not edit the Action Table of “%(roadmap)s”.")
                    % {"user": user, "roadmap": roadmap}
                )
        try:
            with open(file, "rb") as workbook:
                workbook.seek(0, 2)
                check_workbook_file(workbook, workbook.tell())
                preview = preview_import(
                    roadmap, workbook, max_rows=COMMAND_MAX_ROWS, options=chosen
                )
                if options["create_missing"] and (
                    preview.missing_organisations or preview.missing_challenges
                ):
                    for folded in preview.missing_organisations:
                        chosen.create_organisations[folded] = options["organisation_kind"]
                    for folded in preview.missing_challenges:
                        chosen.create_challenges[folded] = options["challenge_strand"]
                    preview = preview_import(
                        roadmap, workbook, max_rows=COMMAND_MAX_ROWS, options=chosen
                    )
        except OSError as exc:
            raise CommandError(str(exc)) from None
        except (UnsafeUpload, WorkbookRejected) as exc:
            if as_json:
                self._print_json({"rejected": exc.message})
            raise CommandError(exc.message) from None
        result = None
        try:
            if preview.has_problems:
                raise CommandError(_("Nothing imported: correct the errors and conflicts first."))
            if not dry_run and preview.change_count:
                try:
                    with transaction.atomic():
                        result = apply_import(roadmap=roadmap, preview=preview, by=importer)
                        remember(roadmap=roadmap, preview=preview, by=importer)
                except (ImportFailed, PermissionDenied) as exc:
                    raise CommandError(
                        _("Nothing imported: %(error)s") % {"error": getattr(exc, "message", exc)}
                    ) from None
        finally:
            if as_json:
                self._print_json({**preview.as_dict(), "dry_run": dry_run, "imported": result})
            else:
                self._print_preview(preview)
        if result is not None and not as_json:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported %(created)s new and %(changed)s changed actions.") % result
                )
            )

    def _print_json(self, data: dict) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _print_mapping(self, preview) -> None:
        if not preview.hand_made:
            return
        self.stdout.write(_("Sheet: %(sheet)s") % {"sheet": quoted(preview.sheet)})
        for column in preview.columns:
            self.stdout.write(f"  {column.letter} {quoted(column.header)} → {column.field_label}")
        for value in preview.values:
            entry = value.entry_label or _("(no entry: an error)")
            self.stdout.write(f"  {value.field_label}: {quoted(value.text)} → {entry}")
        for key, entry in preview.defaults.items():
            self.stdout.write(
                _("  %(field)s (not in the file): %(entry)s")
                % {"field": label(key), "entry": entry}
            )
        for name, kind in preview.create_organisations.items():
            self.stdout.write(
                _("Will create organisation %(name)s (%(kind)s)")
                % {"name": quoted(name), "kind": kind}
            )
        for name, strand in preview.create_challenges.items():
            self.stdout.write(
                _("Will create challenge %(name)s (%(strand)s)")
                % {"name": quoted(name), "strand": strand}
            )
        for name in preview.missing_organisations.values():
            if name not in preview.create_organisations:
                self.stdout.write(
                    _("Not found: organisation %(name)s (--create-missing creates it)")
                    % {"name": quoted(name)}
                )
        for name in preview.missing_challenges.values():
            if name not in preview.create_challenges:
                self.stdout.write(
                    _("Not found: challenge %(name)s (--create-missing creates it)")
                    % {"name": quoted(name)}
                )
        for message in preview.column_errors:
            self.stdout.write(message)

    def _print_preview(self, preview) -> None:
        self._print_mapping(preview)
        counts = preview.counts
        self.stdout.write(
            _(
                "%(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
                "%(conflict)s conflicts, %(error)s with errors."
            )
            % counts
        )
        if preview.missing_rows:
            self.stdout.write(
                _("Actions of the roadmap not in the file (left as they are): %(count)s.")
                % {"count": preview.missing_rows}
            )
        if preview.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(names)s")
                % {"names": ", ".join(quoted(name) for name in preview.ignored_columns)}
            )
        if preview.skipped_rows:
            self.stdout.write(
                _("Skipped rows above the header: %(rows)s")
                % {"rows": ", ".join(str(number) for number in preview.skipped_rows)}
            )
        for row in preview.rows_to_show():
            self.stdout.write(
                _("Row %(row)s [%(kind)s] %(title)s")
                % {"row": row.row, "kind": _(row.kind), "title": row.title}
            )
            for error in row.errors:
                self.stdout.write(f"  {error}")
            if row.matched_by_title:
                self.stdout.write("  " + _("matched by title"))
            for text in [*row.interpretations, *row.notes]:
                self.stdout.write(f"  {text}")
            for change in row.changes:
                if row.kind in (CONFLICT, ERROR) or row.action_id:
                    self.stdout.write(f"  {change.label}: {change.old} → {change.new}")
                else:
                    self.stdout.write(f"  {change.label}: {change.new}")
