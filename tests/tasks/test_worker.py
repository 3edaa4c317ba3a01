"""The queue is real: a task enqueued here is run by a separate db_worker process."""

import pytest
from django_tasks import TaskResultStatus

from tests import factories
from tests.tasks import jobs
from tests.tasks.worker import DATABASE_BACKEND, run_worker


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_a_task_and_stores_its_result(settings):
    settings.TASKS = DATABASE_BACKEND
    city = factories.sofia()
    result = jobs.city_name.enqueue(city.pk)
    assert result.status == TaskResultStatus.READY

    run_worker()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "Sofia"
    assert len(result.worker_ids) == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_stored_as_failed_with_its_error(settings):
    settings.TASKS = DATABASE_BACKEND
    result = jobs.city_name.enqueue(0)  # no such city

    run_worker()

    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    (error,) = result.errors
    assert error.exception_class_path.endswith("DoesNotExist")
