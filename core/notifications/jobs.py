"""The notifications job: sweep, scan every registered reminder, send, then the digests."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from core.models import JobRun
from core.notifications.delivery import deliver_pending, record, sweep
from core.notifications.registry import reminders

logger = logging.getLogger("roundtable.notifications")

JOB = "notifications"


def run(*, now: datetime | None = None) -> dict[str, Any]:
    """One run. A scan that raises is recorded and the other kinds go on."""
    now = now or timezone.now()
    job = JobRun.objects.create(job=JOB, started_at=timezone.now())
    # The page shows a week (of real time: a run for another ``now`` never prunes itself).
    JobRun.objects.filter(started_at__lt=timezone.now() - timedelta(days=7)).exclude(pk=job.pk).delete()
    counts: dict[str, Any] = {}
    errors: list[str] = []
    try:
        counts["sweep"] = sweep(now=now)
        late = []
        for kind in reminders():
            if kind.extra.get("after_delivery"):
                late.append(kind)
                continue
            counts[kind.kind] = _scan(kind, now, errors)
        counts["delivered"] = deliver_pending(now=now)
        for kind in late:
            counts[kind.kind] = _scan(kind, now, errors)
        if late:
            for state, n in deliver_pending(now=now, kinds=[k.kind for k in late]).items():
                counts["delivered"][state] = counts["delivered"].get(state, 0) + n
    except Exception as exc:
        errors.append(f"{exc.__class__.__name__}: {exc}")
        raise
    finally:
        job.finished_at = timezone.now()
        job.counts = counts
        job.error = "\n".join(errors)[:5000]
        job.save(update_fields=["finished_at", "counts", "error"])
    return counts


def _scan(kind: Any, now: datetime, errors: list[str]) -> dict[str, int]:
    try:
        return record(kind, kind.scan(now))
    except Exception as exc:  # noqa: BLE001 - one app's failing scan must not stop the others
        logger.exception("reminder scan failed", extra={"kind": kind.kind})
        errors.append(f"{kind.kind}: {exc.__class__.__name__}: {exc}")
        return {"error": 1}
