"""A person who withdraws consent, loses their address or is erased gets none of the
mail still waiting for them, and its text (which names them) is cleared at once."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from stakeholders.models import Person
from stakeholders.services import why_not_contactable

from .models import Mail


@receiver(post_save, sender=Person, dispatch_uid="outbox_withdraw_for_person")
def withdraw_waiting_mail(sender, instance: Person, **kwargs) -> None:
    if why_not_contactable(instance) is not None:
        Mail.objects.filter(person=instance, status=Mail.Status.PENDING).update(
            status=Mail.Status.WITHDRAWN, body="", attachment=b""
        )
