"""Each organisation's due list: its open actions (led or partnered) by due date, stored
(``DueListEntry``) so that "my actions" reads a member's first page from one index, in order,
however many organisations they belong to (docs/adr/0010-action-plans.md).

Kept in step with what it stands for by model signals, so the services, the admin and the demo
all keep it: an action saved (its status, due date or lead organisation) or a partner added or
removed refreshes that action's entries, writing only what differs (once, at the end, for an
action saved with its partners by the services: :func:`refreshed_once`). Deleting an action or an
organisation removes its entries by cascade. Rows written by raw SQL or ``QuerySet.update`` (or
loaded as fixtures) are brought in step with :func:`due_list_refresh` over their actions, or over
every action with no argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from actionplans.models import Action, ActionPartner, DueListEntry

#: Entries written per ``INSERT`` when a whole list is rebuilt.
BATCH = 2000


def due_list_expected(action_ids: Iterable[int] | None = None) -> set[tuple[int, int, date]]:
    """``(organisation, action, due)`` for every open action of ``action_ids`` (``None``: all) and each
    organisation leading or partnering it: what the stored lists must hold."""
    actions = Action.objects.filter(status__in=Action.OPEN)
    partners = ActionPartner.objects.filter(action__status__in=Action.OPEN)
    if action_ids is not None:
        ids = list(action_ids)
        actions, partners = actions.filter(pk__in=ids), partners.filter(action_id__in=ids)
    rows = {(org, pk, due) for pk, org, due in actions.values_list("pk", "lead_organisation_id", "planned_end")}
    rows.update(partners.values_list("organisation_id", "action_id", "action__planned_end"))
    return rows


def due_list_refresh(action_ids: Iterable[int] | None = None) -> int:
    """Bring the entries of ``action_ids`` (``None``: every action) in step with the actions and
    their partners, writing only what differs; returns the number of entries written or removed."""
    ids = None if action_ids is None else sorted(set(action_ids))
    if ids == []:
        return 0
    stored = DueListEntry.objects.all() if ids is None else DueListEntry.objects.filter(action_id__in=ids)
    with transaction.atomic():
        entries = stored.values_list("pk", "organisation_id", "action_id", "planned_end")
        have = {(org, pk, due): row for row, org, pk, due in entries}
        want = due_list_expected(ids)
        gone = [row for key, row in have.items() if key not in want]
        new = [DueListEntry(organisation_id=o, action_id=a, planned_end=d) for o, a, d in want - have.keys()]
        for start in range(0, len(gone), BATCH):
            DueListEntry.objects.filter(pk__in=gone[start : start + BATCH]).delete()
        DueListEntry.objects.bulk_create(new, batch_size=BATCH)
    return len(gone) + len(new)


#: The actions written inside :func:`refreshed_once` so far (``None`` outside it).
_pending: ContextVar[set[int] | None] = ContextVar("duelist_pending", default=None)


@contextmanager
def refreshed_once() -> Iterator[None]:
    """Within it, the entries of every action written are refreshed once, at the end, instead of
    on each save: an action saved with its partners replaced refreshes once, not once per partner
    removed and added. Nested uses refresh at the outermost end; nothing is refreshed when the
    block raises (its transaction is rolled back)."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        ids = _pending.get() or set()
    finally:
        _pending.reset(token)
    due_list_refresh(ids)


def _refresh(action_id: int) -> None:
    pending = _pending.get()
    if pending is None:
        due_list_refresh([action_id])
    else:
        pending.add(action_id)


#: The fields of an action its entries depend on (a save that names none of them leaves them be).
_FIELDS = frozenset({"status", "planned_end", "lead_organisation", "lead_organisation_id"})


def _action_saved(sender: type[Action], instance: Action, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (update_fields is not None and not _FIELDS & set(update_fields)):
        return
    _refresh(instance.pk)


def _partner_saved(sender: type[ActionPartner], instance: ActionPartner, **kwargs: object) -> None:
    if kwargs.get("raw"):
        return
    _refresh(instance.action_id)


def _partner_deleted(sender: type[ActionPartner], instance: ActionPartner, **kwargs: object) -> None:
    # Only a partner removed as such: when its action (or the action's plan) is deleted, the
    # action's entries go with it by cascade, and refreshing the half-deleted action would write
    # an entry for it again.
    origin = kwargs.get("origin")
    if getattr(origin, "model", type(origin)) is ActionPartner:
        _refresh(instance.action_id)


def connect_signals() -> None:
    """Called once from ``ActionplansConfig.ready``."""
    post_save.connect(_action_saved, sender=Action, dispatch_uid="duelist_action_saved")
    post_save.connect(_partner_saved, sender=ActionPartner, dispatch_uid="duelist_partner_saved")
    post_delete.connect(_partner_deleted, sender=ActionPartner, dispatch_uid="duelist_partner_deleted")
