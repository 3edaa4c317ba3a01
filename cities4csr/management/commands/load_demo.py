from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities4csr import demo


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the demo data: the CITIES4CSR network, Sofia's working group, its Action "
        "Table and its 2021 meetings. Running it again changes nothing. Demo users "
        "(password 'demo') are created only when DEBUG is on."
    )

    def handle(self, *args, **options):
        result = demo.load()
        self.stdout.write(_("Demo data loaded (total, new, changed):"))
        for model, total in result.totals.items():
            self.stdout.write(
                "  "
                + _("%(things)s: %(total)d (%(created)d new, %(changed)d changed)")
                % {
                    "things": model._meta.verbose_name_plural,
                    "total": total,
                    "created": result.created[model],
                    "changed": result.changed[model],
                }
            )
        if result.users_created:
            self.stdout.write(
                _('Demo logins, all with the password "%(password)s":')
                % {"password": demo.DEMO_PASSWORD}
            )
            for spec in demo.DEMO_USERS:
                self.stdout.write(f"  {spec.username:<14} {spec.description}")
            return
        self.stdout.write(
            self.style.WARNING(
                _(
                    "Refusing to create the demo users (%(usernames)s): their password is "
                    "public and DEBUG is off. Set DEBUG=true for a local demo."
                )
                % {"usernames": ", ".join(spec.username for spec in demo.DEMO_USERS)}
            )
        )
        if result.leftover_usernames:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Demo users from an earlier run still exist and may have the "
                        "password 'demo': %(usernames)s. Remove them before going live."
                    )
                    % {"usernames": ", ".join(result.leftover_usernames)}
                )
            )
