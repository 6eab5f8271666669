"""Kinds of notification and the reminders that apps register (``core.notifications.reminder``).

A kind says what its subject is, how to word a message about it at send time, and who may read
one (the permission registry's ``view`` rule, or the kind's own check until the app registers a
rule). A reminder is a kind with a *scan*: a function that answers, in a few batched queries,
everything that is due now (subject, recipients, due key). The job runs every scan each time, so a
run that was missed, a lost message or a restarted worker only delays a reminder; the unique
delivery record makes sure it goes once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

if TYPE_CHECKING:
    from core.models import Delivery, User


@dataclass(frozen=True)
class Due:
    """Something due now: ``recipients`` should hear about ``subject`` once for ``due_key`` (a due
    date, a start time: a new key is a new reminder)."""

    subject: models.Model
    recipients: Sequence[User]
    due_key: str
    #: Why nobody is told, when ``recipients`` is empty because the scan kept only those who may
    #: open the subject (shown on the operations page instead of the generic "no recipient").
    nobody: str = ""


@dataclass(frozen=True)
class Content:
    """A message as its recipient will read it: a title (the e-mail subject and the bell entry),
    the e-mail body, and the link (a path in the portal)."""

    title: str
    body: str
    url: str


BuildFunc = Callable[[Any, "User", "Delivery"], Content]
ScanFunc = Callable[[datetime], Iterable[Due]]
MayViewFunc = Callable[["User", Any], bool]


@dataclass(frozen=True)
class Kind:
    kind: str
    label: Any
    model: type[models.Model]
    build: BuildFunc
    scan: ScanFunc | None = None
    #: Whether messages about this subject carry a neutral title and a link only (a confidential
    #: meeting, an AMBER or RED item): ``True``, or a function of the subject.
    neutral: bool | Callable[[Any], bool] = False
    #: The title of a neutral message (default: "Roundtable: <label>"), or a function of the subject
    #: that gives it: says what kind of thing it is (and its TLP marking), never which one.
    neutral_title: Any = None
    #: The permission check when the model has no ``view`` rule in the registry yet.
    may_view: MayViewFunc | None = None
    select_related: tuple[str, ...] = ()
    #: Whether it also appears under the bell (account invitations do not).
    inapp: bool = True
    #: Whether it may go to an account that never signed in (only invitations may).
    to_new_accounts: bool = False
    #: Whether people choose how they get it (preferences page).
    configurable: bool = True
    #: Called in the transaction that claims the delivery, before ``build`` (digests attach entries).
    on_claim: Callable[[Delivery], None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def is_neutral(self, subject: Any) -> bool:
        return self.neutral(subject) if callable(self.neutral) else bool(self.neutral)


def escalate_after() -> timedelta:
    """How long a review, a report or a decision may be overdue before it is escalated (the one
    setting ``NOTIFY_ESCALATE_AFTER_DAYS``, 14 days by default)."""
    return timedelta(days=getattr(settings, "NOTIFY_ESCALATE_AFTER_DAYS", 14))


_kinds: dict[str, Kind] = {}


def register_kind(**options: Any) -> Kind:
    kind = Kind(**options)
    existing = _kinds.get(kind.kind)
    if existing is not None and existing.build.__qualname__ != kind.build.__qualname__:
        raise ImproperlyConfigured(f"Two notification kinds named {kind.kind}")
    _kinds[kind.kind] = kind
    return kind


def reminder(
    *,
    kind: str,
    label: Any,
    model: type[models.Model],
    build: BuildFunc,
    neutral: bool | Callable[[Any], bool] = False,
    neutral_title: Any = None,
    may_view: MayViewFunc | None = None,
    select_related: tuple[str, ...] = (),
) -> Callable[[ScanFunc], ScanFunc]:
    """Register ``scan`` as the reminder ``kind``::

    @reminder(kind="coordination.decision_overdue", label=_("Decisions overdue"), model=Decision,
              build=_decision_content, neutral=lambda d: d.meeting.is_confidential)
    def decisions_overdue(now: datetime) -> Iterable[Due]:
        ...
    """

    def decorator(scan: ScanFunc) -> ScanFunc:
        register_kind(
            kind=kind,
            label=label,
            model=model,
            build=build,
            scan=scan,
            neutral=neutral,
            neutral_title=neutral_title,
            may_view=may_view,
            select_related=select_related,
        )
        return scan

    return decorator


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.kind)


def get_kind(name: str) -> Kind | None:
    return _kinds.get(name)


def reminders() -> list[Kind]:
    return [k for k in kinds() if k.scan is not None]


def configurable_kinds() -> list[Kind]:
    return [k for k in kinds() if k.configurable]


_sweepers: list[Callable[[datetime], int]] = []


def sweeper(func: Callable[[datetime], int]) -> Callable[[datetime], int]:
    """Register a sweep run by every notifications job: it finds work whose message was lost (an
    invitation never sent because the broker was down at scheduling) and does it again."""
    if func not in _sweepers:
        _sweepers.append(func)
    return func


def sweepers() -> list[Callable[[datetime], int]]:
    return list(_sweepers)
