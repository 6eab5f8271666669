"""Background jobs of information sharing. They take ids, call a service, and are idempotent.

Reminders (agreement and item reviews, retention ending, access expiring) are not jobs of their
own: they are scans in ``infosharing/notifications.py`` that the one notifications job runs."""

from celery import shared_task

from infosharing import services


@shared_task(name="infosharing.tasks.expire_information_items_task", time_limit=600, soft_time_limit=540)
def expire_information_items_task() -> int:
    """Erase the content and files of items past their retention date (each item once; a missed run catches up)."""
    return services.items_expire_due()


@shared_task(name="infosharing.tasks.notify_item_shared_task", time_limit=120, soft_time_limit=100)
def notify_item_shared_task(item_id: int, user_ids: list[int]) -> int:
    """Kept for messages queued before shares were recorded as deliveries: records them (once per
    item and recipient) for the notifications job, which checks at send time who may still open it."""
    from core.notifications import deliver_pending
    from infosharing.models import InformationItem
    from infosharing.notifications import ITEM_SHARED, item_shared

    item = InformationItem.objects.filter(pk=item_id, erased_at__isnull=True).first()
    if item is None:
        return 0
    item_shared(item=item, user_ids=user_ids, key="shared")
    return deliver_pending(kinds=[ITEM_SHARED]).get("sent", 0)
