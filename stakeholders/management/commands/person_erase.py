from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from stakeholders.models import Person
from stakeholders.services import ERASED_NAME, person_erase

# The answer that confirms, whatever the language of the prompt; its
# translation (``yes_word()``) is accepted too.
YES = "yes"


def yes_word() -> str:
    return pgettext("the answer that confirms an erasure", "yes")


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
            person = Person.objects.select_related("organisation", "user").get(pk=person_id)
        except Person.DoesNotExist:
            raise CommandError(
                _("There is no person with id %(id)d.") % {"id": person_id}
            ) from None
        if interactive:
            try:
                answer = input(self.question(person))
            except EOFError:
                answer = ""
            if answer.strip().lower() not in {YES, yes_word().lower()}:
                raise CommandError(_("Nothing was changed."))
        person_erase(person=person)
        self.stdout.write(
            self.style.SUCCESS(_("Person #%(id)d has been anonymised.") % {"id": person_id})
        )

    @staticmethod
    def question(person: Person) -> str:
        """Who is about to be erased, what changes and what stays, and how to confirm."""
        lines = [
            _("Anonymise this person (GDPR erasure)?"),
            "  " + _("Person #%(id)d: %(person)s") % {"id": person.pk, "person": person},
        ]
        if person.email:
            lines.append("  " + _("Email: %(email)s") % {"email": person.email})
        if person.user_id:
            lines.append(
                "  "
                + _("User account: %(username)s (it will be deactivated)")
                % {"username": person.user.get_username()}
            )
        lines += [
            _(
                "Their name becomes “%(erased)s”; their position, email, phone and consent to "
                "be contacted are removed. Actions, meetings, contributions and history keep "
                "every row."
            )
            % {"erased": ERASED_NAME.format(pk=person.pk)},
            _("This cannot be undone."),
            _("Type “%(yes)s” to anonymise this person, anything else to stop: ")
            % {"yes": yes_word()},
        ]
        return "\n".join(lines)
