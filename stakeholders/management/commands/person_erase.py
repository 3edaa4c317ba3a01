from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stakeholders.models import Person
from stakeholders.services import person_erase


class Command(BaseCommand):
    help = gettext_lazy(
        "Anonymise a person (GDPR erasure): replace their name, remove their contact details "
        "and consent, and deactivate their user account. Actions, meetings, contributions "
        "and history keep every row and stay readable."
    )

    def add_arguments(self, parser):
        parser.add_argument("person_id", type=int, help=gettext_lazy("the person's id"))
        parser.add_argument(
            "--yes",
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=gettext_lazy("do not ask for confirmation"),
        )

    def handle(self, *args, person_id, interactive=True, **options):
        try:
            person = Person.objects.select_related("user").get(pk=person_id)
        except Person.DoesNotExist:
            raise CommandError(
                _("There is no person with id %(id)d.") % {"id": person_id}
            ) from None
        if interactive:
            if person.user_id:
                question = _(
                    "This will anonymise %(person)s (#%(id)d) and deactivate the user account "
                    "%(username)s. It cannot be undone. Type 'yes' to continue: "
                ) % {"person": person, "id": person.pk, "username": person.user.get_username()}
            else:
                question = _(
                    "This will anonymise %(person)s (#%(id)d). It cannot be undone. "
                    "Type 'yes' to continue: "
                ) % {"person": person, "id": person.pk}
            try:
                answer = input(question)
            except EOFError:
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError(_("Nothing was changed."))
        person_erase(person=person)
        self.stdout.write(
            self.style.SUCCESS(_("Person #%(id)d has been anonymised.") % {"id": person_id})
        )
