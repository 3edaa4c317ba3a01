"""A task for the worker test: it reads the database the worker was started on."""

from django_tasks import task

from stakeholders.models import City


@task()
def city_name(city_id: int) -> str:
    return City.objects.get(pk=city_id).name
