from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    AUSTRIA = "AT", _("Austria")
    BELGIUM = "BE", _("Belgium")
    BULGARIA = "BG", _("Bulgaria")
    CROATIA = "HR", _("Croatia")
    CYPRUS = "CY", _("Cyprus")
    CZECHIA = "CZ", _("Czechia")
    DENMARK = "DK", _("Denmark")
    ESTONIA = "EE", _("Estonia")
    FINLAND = "FI", _("Finland")
    FRANCE = "FR", _("France")
    GERMANY = "DE", _("Germany")
    GREECE = "GR", _("Greece")
    HUNGARY = "HU", _("Hungary")
    IRELAND = "IE", _("Ireland")
    ITALY = "IT", _("Italy")
    LATVIA = "LV", _("Latvia")
    LITHUANIA = "LT", _("Lithuania")
    LUXEMBOURG = "LU", _("Luxembourg")
    MALTA = "MT", _("Malta")
    NETHERLANDS = "NL", _("Netherlands")
    POLAND = "PL", _("Poland")
    PORTUGAL = "PT", _("Portugal")
    ROMANIA = "RO", _("Romania")
    SLOVAKIA = "SK", _("Slovakia")
    SLOVENIA = "SI", _("Slovenia")
    SPAIN = "ES", _("Spain")
    SWEDEN = "SE", _("Sweden")
    NORWAY = "NO", _("Norway")
    SWITZERLAND = "CH", _("Switzerland")
    SERBIA = "RS", _("Serbia")
    NORTH_MACEDONIA = "MK", _("North Macedonia")
    ALBANIA = "AL", _("Albania")
    MONTENEGRO = "ME", _("Montenegro")
    BOSNIA = "BA", _("Bosnia and Herzegovina")


class City(models.Model):
    """A city of the network. Its name is kept in each language of the app: ``name``
    in English (the network's), ``name_bg`` in Bulgarian; ``str(city)`` is the
    reader's."""

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("In English."))
    name_bg = models.CharField(
        _("name in Bulgarian"),
        max_length=100,
        blank=True,
        help_text=_("Shown to readers of the Bulgarian pages; the English name when empty."),
    )
    local_name = models.CharField(
        _("local name"),
        max_length=100,
        blank=True,
        help_text=_("The name in the city's own language."),
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    is_lead_partner = models.BooleanField(_("lead partner of the network"), default=False)
    language = models.CharField(
        _("working language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the app opens in for this city's users."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("deadline reminders, days ahead"),
        default=14,
        help_text=_(
            "The daily digest names the actions due within this many days (and the overdue ones)."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_lead_partner"],
                condition=Q(is_lead_partner=True),
                name="city_one_lead_partner",
                violation_error_message=_("The network has only one lead partner city."),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The city's name in the active language."""
        if self.name_bg and (get_language() or "").startswith("bg"):
            return self.name_bg
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def named(self, text: str):
        """The organisations whose name or one of whose other names (``aliases``)
        holds ``text``, case folded in every script as every search is (core/sqlite.py)."""
        return self.filter(Q(name__icontains=text) | Q(aliases__icontains=text))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        COMPANY = "company", _("company")
        CHAMBER = "chamber", _("business association / chamber")
        NGO = "ngo", _("NGO")
        CIVIL_SOCIETY = "civil_society", _("civil-society group")
        ACADEMIA = "academia", _("academia")
        PUBLIC_BODY = "public_body", _("public body")
        CONSULTANCY = "consultancy", _("consultancy")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("city")
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_(
            "Other names and abbreviations the organisation goes by (BCCI, БТПП, Sofia "
            "Municipality), one a line: an imported spreadsheet that writes one of them "
            "means this organisation, and search finds it by them."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "name"],
                name="organisation_unique_name_in_city",
                violation_error_message=_("This city already has an organisation of that name."),
            ),
        ]

    def __str__(self):
        return self.name


class Person(models.Model):
    """Somebody in a working group. Contact details are personal data."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
    )
    position = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    consent_to_contact = models.BooleanField(
        _("consents to be contacted"),
        default=False,
        help_text=_("Only people who agreed are sent invitations and other email."),
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self):
        if self.organisation_id:
            return f"{self.name} ({self.organisation})"
        return self.name

    def save(self, *args, **kwargs):
        # Consent is recorded with its time (GDPR: when it was given); withdrawing it
        # clears the record, so that nobody reads an old date as consent.
        if self.consent_to_contact and self.consent_recorded_at is None:
            self.consent_recorded_at = timezone.now()
        elif not self.consent_to_contact:
            self.consent_recorded_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "consent_to_contact" in update_fields:
            kwargs["update_fields"] = {*update_fields, "consent_recorded_at"}
        super().save(*args, **kwargs)


class Membership(models.Model):
    """An organisation's or a person's place in a city's local working group."""

    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        COORDINATOR = "coordinator", _("coordinator")
        MODERATOR = "moderator", _("moderator")
        OBSERVER = "observer", _("observer")

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("city")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(_("since"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("working-group membership")
        verbose_name_plural = _("working-group memberships")
        ordering = ["city", "organisation__name", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(person__isnull=False),
                name="membership_of_organisation_or_person",
                violation_error_message=_("A membership needs an organisation or a person."),
            ),
            models.UniqueConstraint(
                fields=["city", "organisation"],
                condition=Q(person__isnull=True),
                name="membership_unique_organisation",
                violation_error_message=_("This organisation is already in the working group."),
            ),
            models.UniqueConstraint(
                fields=["city", "person"],
                condition=Q(person__isnull=False),
                name="membership_unique_person",
                violation_error_message=_("This person is already in the working group."),
            ),
        ]

    def __str__(self):
        return f"{self.person or self.organisation} — {self.city}"


class CityAccess(models.Model):
    """Which cities a user account works for (as editor or moderator).

    The role itself is the user's group; this row says where it applies.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="city_accesses",
        verbose_name=_("user"),
    )
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="accesses", verbose_name=_("city")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("city access")
        verbose_name_plural = _("city access")
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="city_access_unique"),
        ]

    def __str__(self):
        return f"{self.user} → {self.city}"
