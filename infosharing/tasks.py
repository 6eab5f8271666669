"""Background jobs of information sharing. They take ids, call a service, and are idempotent."""

from celery import shared_task

from infosharing import services


@shared_task(name="infosharing.tasks.expire_information_items_task", time_limit=600, soft_time_limit=540)
def expire_information_items_task() -> int:
    """Erase the content and files of items past their retention date (each item once; a missed run catches up)."""
    return services.items_expire_due()


@shared_task(name="infosharing.tasks.send_sharing_review_reminders_task", time_limit=300, soft_time_limit=240)
def send_sharing_review_reminders_task() -> int:
    """Announce agreements and items due for review, once per object and due date."""
    return services.reviews_remind()


@shared_task(name="infosharing.tasks.notify_item_shared_task", time_limit=120, soft_time_limit=100)
def notify_item_shared_task(item_id: int, user_ids: list[int]) -> int:
    """Tell new recipients, re-checking at send time who may still open the item."""
    return services.notify_item_shared(item_id=item_id, user_ids=user_ids)
