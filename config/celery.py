import contextlib
import os
from pathlib import Path
from typing import Any

from celery import Celery, signals
from django.utils import timezone

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("roundtable")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The embedded default (no Redis) queues tasks as files: make sure the folders exist.
for key in ("data_folder_in", "processed_folder", "control_folder"):
    folder = (app.conf.broker_transport_options or {}).get(key)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)


# The operations page shows each periodic job's last runs: record them (the notifications job
# records its own, with what it sent). Kept to the last week by that job's pruning.
@signals.task_prerun.connect
def _job_started(task_id: str, task: Any, **kwargs: Any) -> None:
    if task.name in _periodic() and task.name not in _SELF_RECORDED:
        _started[task_id] = timezone.now()


@signals.task_postrun.connect
def _job_finished(task_id: str, task: Any, state: str | None = None, **kwargs: Any) -> None:
    started = _started.pop(task_id, None)
    if started is None:
        return
    from core.models import JobRun

    with contextlib.suppress(Exception):  # the record of a run never fails the run
        JobRun.objects.create(
            job=task.name.rsplit(".", 1)[-1],
            started_at=started,
            finished_at=timezone.now(),
            counts={"state": state or ""},
            error="" if state == "SUCCESS" else f"ended {state}",
        )


_started: dict[str, Any] = {}
# The notifications job records its own run; the heartbeat has its own row (WorkerHeartbeat).
_SELF_RECORDED = {"core.tasks.send_notifications_task", "core.tasks.record_worker_heartbeat_task"}


def _periodic() -> set[str]:
    from django.conf import settings

    return {str(entry["task"]) for entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).values()}
