from celery import shared_task

from stakeholders.services import import_batches_purge_stale


@shared_task(name="stakeholders.tasks.purge_stale_imports_task", time_limit=300, soft_time_limit=240)
def purge_stale_imports_task() -> int:
    """Idempotent: deletes whatever uploads are past their keeping time, however late it runs."""
    return import_batches_purge_stale()


@shared_task(name="stakeholders.tasks.directory_refresh_due_task", time_limit=300, soft_time_limit=240)
def directory_refresh_due_task() -> int:
    """Idempotent: the people directory follows positions that started or ended with the calendar."""
    from stakeholders.directory import directory_refresh_due

    return directory_refresh_due()
