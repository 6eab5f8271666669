"""One notification centre for every app: in-app notifications (the bell), e-mail, digests, and the
reminders apps register. See docs/adr/0012-notifications-and-delivery.md.

An app registers a reminder in its ``notifications.py`` (imported by its ``AppConfig.ready``)::

    from core.notifications import Content, Due, reminder

    @reminder(kind="actionplans.action_overdue", label=_("Actions overdue"), model=Action,
              build=_action_content, select_related=("plan",))
    def actions_overdue(now):
        for action in Action.objects.filter(...).select_related(...):   # batched: no query per row
            yield Due(subject=action, recipients=[...], due_key=action.due_date.isoformat())

and an event (something that happened, not something due) with ``register_kind`` + ``notify``.
"""

from core.notifications.delivery import deliver_pending, notify, record, send_once, sweep, who_may_view
from core.notifications.registry import (
    Content,
    Due,
    Kind,
    configurable_kinds,
    escalate_after,
    get_kind,
    kinds,
    register_kind,
    reminder,
    reminders,
    sweeper,
)

__all__ = [
    "Content",
    "Due",
    "Kind",
    "configurable_kinds",
    "deliver_pending",
    "escalate_after",
    "get_kind",
    "kinds",
    "notify",
    "record",
    "register_kind",
    "reminder",
    "reminders",
    "send_once",
    "sweep",
    "sweeper",
    "who_may_view",
]
