from celery import shared_task

from stakeholders.services import import_batches_purge_stale


@shared_task(name="stakeholders.tasks.purge_stale_imports_task", time_limit=300, soft_time_limit=240)
def purge_stale_imports_task() -> int:
    """Idempotent: deletes whatever uploads are past their keeping time, however late it runs."""
    return import_batches_purge_stale()
