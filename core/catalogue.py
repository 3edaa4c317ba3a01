"""Texts of Django and of third-party apps that the project's catalogue translates.

``make messages`` collects only what the project's own code and templates say, so
what the project translates for others is said here, once, for it to collect:

- the month names a date writes ("6 февруари 2026", "юни 2027": the "E" of the
  formats in cities4csr/formats/bg), which Django's Bulgarian gives capitalised;
- what the admin shows of django-axes and django-simple-history, which ship no
  Bulgarian;
- Django's own texts whose Bulgarian needs mending or is missing: English quotes (“…” where
  Bulgarian writes „…“), a space before the full stop ("на 100 ."), and "Добави
  друг %(verbose_name)s", which cannot agree with a feminine or neuter name.

Nothing imports the texts for their values: the apps ask for the same msgids, and
the project's catalogue (LOCALE_PATHS) comes before theirs.
``tests/pages/test_catalogue.py`` checks that each is translated.
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

# Within a date, Bulgarian writes a month in lower case ("6 февруари 2026").
MONTHS_IN_A_DATE = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)

# django-axes: its models and admin (the login attempts the network admin reads).
AXES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Not set"),
    gettext_noop("Clean up expired attempts"),
)

# django-simple-history: the admin's history page (reverting is off, core/admin_history.py).
SIMPLE_HISTORY = (
    gettext_noop("Object"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("View history: %s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("This object doesn't have a change history."),
    ngettext_lazy("entry", "entries"),
)

# Django's own, mended (see the module's docstring).
DJANGO = (
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("Added “%(object)s”."),
    gettext_noop("Changed “%(object)s” — %(changes)s"),
    gettext_noop("Deleted “%(object)s.”"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("Constraint “%(name)s” is violated."),
    gettext_noop("“%(pk)s” is not a valid value."),
    # The admin's app list (a table's column headings for screen readers), which
    # Django 5.2's Bulgarian leaves in English.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
