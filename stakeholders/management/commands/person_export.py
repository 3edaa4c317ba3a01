import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stakeholders.models import Person
from stakeholders.services import person_export_data


class Command(BaseCommand):
    help = gettext_lazy(
        "Write everything held about a person as JSON (GDPR access request): their details, "
        "organisation, memberships, user account, attendances, contributions, next steps and "
        "the history records that name them or their account."
    )

    def add_arguments(self, parser):
        parser.add_argument("person_id", type=int, help=gettext_lazy("the person's id"))
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help=gettext_lazy("write to FILE instead of standard output"),
        )

    def handle(self, *args, person_id, output=None, **options):
        try:
            person = Person.objects.get(pk=person_id)
        except Person.DoesNotExist:
            raise CommandError(
                _("There is no person with id %(id)d.") % {"id": person_id}
            ) from None
        text = json.dumps(
            person_export_data(person=person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        )
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(
                _("Wrote the data held about person #%(id)d to %(file)s.")
                % {"id": person_id, "file": output}
            )
        else:
            self.stdout.write(text)
