"""Recording and sending deliveries: the guarantee of docs/adr/0012-notifications-and-delivery.md.

1. *Record*: each (kind, subject, recipient, due key) becomes one ``Delivery`` row under a unique
   constraint, ``pending`` (or ``skipped`` with the reason); a second scan, a retry or a second beat
   process inserts nothing new.
2. *Claim*: in one transaction the row is checked again (the recipient may still see the subject),
   worded, its in-app notification created (at most one per delivery) and the row committed
   ``sending`` with ``attempts`` + 1, before any e-mail leaves.
3. *Send*: one recipient at a time with the row's deterministic Message-ID; ``sent`` after the
   server accepted it, ``failed`` with the server's reason when it refused (5xx, malformed
   address), back to ``pending`` for a temporary failure until the attempts run out.
4. *Sweep*: a row left ``sending`` longer than ``NOTIFY_STUCK_AFTER`` (its worker died) goes back
   to ``pending`` and is sent again with the same Message-ID, or ``failed`` after
   ``NOTIFY_MAX_ATTEMPTS``. So every e-mail is sent at least once (unless refused), duplicates
   only come from a worker that died between the server's acceptance and the commit of ``sent``,
   and they carry the same Message-ID.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import Delivery, Frequency, Notification, NotificationPreference, User
from core.notifications.registry import Content, Due, Kind, get_kind

logger = logging.getLogger("roundtable.notifications")

State = Delivery.State
Channel = Delivery.Channel


def stuck_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "NOTIFY_STUCK_AFTER", 900))


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 5))


def _domain() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    return hosts[0] if hosts else "roundtable.invalid"


def message_id_for(kind: str, subject_type_id: int, subject_id: int, recipient_key: str, due_key: str) -> str:
    """The same Message-ID for every attempt of one delivery (RFC 5322 ``msg-id``)."""
    digest = hashlib.sha256(f"{kind}|{subject_type_id}|{subject_id}|{recipient_key}|{due_key}".encode()).hexdigest()
    return f"<{digest[:32]}@{_domain()}>"  # short enough never to be folded


def user_key(user: User) -> str:
    return f"user:{user.pk}"


def site_url() -> str:
    """The portal's public address (``SITE_URL``), without a trailing slash: every link in an
    e-mail is absolute (a mail client has no page to resolve a relative link against)."""
    return str(getattr(settings, "SITE_URL", "") or "").rstrip("/")


def absolute(url: str) -> str:
    """``url`` as a link that opens from a mail client (a path gets the site's address)."""
    if not url or "://" in url:
        return url
    return f"{site_url()}{url if url.startswith('/') else '/' + url}"


# --- record -------------------------------------------------------------------------------------


def _preferences(kind: str, user_ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    return dict(NotificationPreference.objects.filter(kind=kind, user_id__in=ids).values_list("user_id", "frequency"))


def _skip_reason(kind: Kind, user: User) -> str:
    if not user.is_active:
        return "account deactivated"
    if user.last_login is None and not kind.to_new_accounts:
        return "account never signed in"
    if not user.email:
        return "no e-mail address"
    return ""


def _row(kind: Kind, ct: ContentType, subject_id: int, due_key: str, user: User | None, **fields: Any) -> Delivery:
    key = user_key(user) if user is not None else ""
    return Delivery(
        kind=kind.kind,
        subject_type=ct,
        subject_id=subject_id,
        recipient=user,
        recipient_key=key,
        address=user.email if user is not None else "",
        due_key=due_key[:64],
        message_id=message_id_for(kind.kind, ct.pk, subject_id, key, due_key[:64]),
        **fields,
    )


def record(kind: Kind, dues: Iterable[Due]) -> dict[str, int]:
    """Insert the delivery rows of ``dues`` that do not exist yet (two queries, whatever the count).
    A due item nobody can be told about is recorded ``failed`` with no recipient, so it shows on the
    operations page instead of passing for sent."""
    dues = list(dues)
    ct = ContentType.objects.get_for_model(kind.model)
    prefs = _preferences(kind.kind, (u.pk for d in dues for u in d.recipients))
    rows: list[Delivery] = []
    for due in dues:
        reached = 0
        seen: set[int] = set()
        for user in due.recipients:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            reason = _skip_reason(kind, user)
            frequency = prefs.get(user.pk, Frequency.IMMEDIATELY) if kind.configurable else Frequency.IMMEDIATELY
            if not reason and frequency == Frequency.OFF:
                reason = "turned off in the recipient's preferences"
            if reason:
                rows.append(_row(kind, ct, due.subject.pk, due.due_key, user, state=State.SKIPPED, last_error=reason))
                continue
            reached += 1
            channel = Channel.EMAIL if frequency == Frequency.IMMEDIATELY else Channel.DIGEST
            rows.append(_row(kind, ct, due.subject.pk, due.due_key, user, channel=channel))
        if not reached:
            rows.append(
                _row(
                    kind,
                    ct,
                    due.subject.pk,
                    due.due_key,
                    None,
                    channel=Channel.NONE,
                    state=State.FAILED,
                    last_error=(
                        "nobody to tell: no recipient with an account that has signed in"
                        if due.recipients
                        else due.nobody or "nobody to tell: no recipient"
                    ),
                )
            )
    if not rows:
        return {"due": len(dues), "recorded": 0}
    started = timezone.now()
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    # New rows only (an index range on (kind, created_at), not a count of the kind's history).
    created = Delivery.objects.filter(kind=kind.kind, created_at__gte=started).count()
    return {"due": len(dues), "recorded": created}


def notify(*, kind: str, subject: models.Model, recipients: Iterable[User], due_key: str) -> None:
    """Record an event's deliveries (in the caller's transaction) and ask for them to go out after
    the commit. If the publish fails, the next notifications job sends them: the rows are the truth."""
    spec = get_kind(kind)
    if spec is None:
        raise LookupError(f"No notification kind {kind}")
    record(spec, [Due(subject=subject, recipients=list(recipients), due_key=due_key)])
    from core.tasks import deliver_notifications_task

    transaction.on_commit(deliver_notifications_task.delay, robust=True)


# --- claim and send -------------------------------------------------------------------------------


def _may_view(kind: Kind, user: User, subject: models.Model) -> bool:
    from core import permissions

    if permissions.rules.has_rule(type(subject), "view"):
        return permissions.allows(user, subject, "view")
    if kind.may_view is not None:
        return bool(kind.may_view(user, subject))
    return False  # nobody is told about what no rule says they may see


def _may_view_all(pairs: list[tuple[Kind, User, models.Model]]) -> set[tuple[int, str, int]]:
    """Which (user, subject) pairs are allowed, asked of the rule registry for the whole batch at
    once: the recipients' roles in a fixed number of queries (``core.roles.prefetch``), then one
    query per subject model answering every recipient (an ``EXISTS`` per recipient). Answers
    ``{(user id, model label, subject id)}``; the same rule as ``allows``, never a looser one."""
    from django.db.models import Exists, OuterRef

    from core import permissions, roles

    allowed: set[tuple[int, str, int]] = set()
    by_model: dict[type[models.Model], dict[int, User]] = defaultdict(dict)
    subject_ids: dict[type[models.Model], set[int]] = defaultdict(set)
    for kind, user, subject in pairs:
        model = type(subject)
        if permissions.rules.has_rule(model, "view"):
            by_model[model][user.pk] = user
            subject_ids[model].add(subject.pk)
        elif _may_view(kind, user, subject):
            allowed.add((user.pk, subject._meta.label, subject.pk))
    roles.prefetch([u for users in by_model.values() for u in users.values()])
    for model, users in by_model.items():
        label = model._meta.label
        manager = model._default_manager
        annotations: dict[str, Any] = {}
        for user in users.values():
            if not permissions.is_active_user(user):
                continue
            q = permissions.rule_q(user, model, "view")
            if q is None:
                allowed.update((user.pk, label, pk) for pk in subject_ids[model])
            else:
                annotations[f"may_{user.pk}"] = Exists(manager.filter(q, pk=OuterRef("pk")))
        names = list(annotations)
        for start in range(0, len(names), 50):  # at most 50 recipients' EXISTS in one query
            chunk = {n: annotations[n] for n in names[start : start + 50]}
            for row in manager.filter(pk__in=subject_ids[model]).annotate(**chunk).values("pk", *chunk):
                allowed.update((int(n[4:]), label, row["pk"]) for n in chunk if row[n])
    return allowed


def who_may_view(kind: str, pairs: Iterable[tuple[User, models.Model]]) -> set[tuple[int, int]]:
    """The (user id, subject id) of ``pairs`` whose user may open the subject, asked of the rule
    registry for all of them at once, exactly as the send-time check asks it (a fixed number of
    queries, one more per 50 distinct users). A scan that escalates keeps only these recipients,
    so a due item that nobody may open is recorded as reaching nobody (and shown on the operations
    page) instead of being dropped silently at send time."""
    spec = get_kind(kind)
    if spec is None:
        raise LookupError(f"No notification kind {kind}")
    allowed = _may_view_all([(spec, user, subject) for user, subject in pairs])
    return {(user_id, subject_id) for user_id, _label, subject_id in allowed}


def _neutral_content(kind: Kind, subject: Any, url: str) -> Content:
    neutral = kind.neutral_title(subject) if callable(kind.neutral_title) else kind.neutral_title
    title = str(neutral) if neutral else _("Roundtable: %(what)s") % {"what": str(kind.label).lower()}
    body = _("There is something for you in Roundtable. Sign in to read it:") + f"\n\n{absolute(url)}\n"
    return Content(title=title, body=body, url=url)


def _load_subjects(rows: list[Delivery]) -> dict[tuple[int, int], Any]:
    by_type: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_type[row.subject_type_id].append(row.subject_id)
    found: dict[tuple[int, int], Any] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        names = {r.kind for r in rows if r.subject_type_id == type_id}
        related = sorted({rel for n in names if (k := get_kind(n)) is not None for rel in k.select_related})
        qs = model._default_manager.filter(pk__in=ids)
        if related:
            qs = qs.select_related(*related)
        for obj in qs:
            found[(type_id, obj.pk)] = obj
    return found


def _claim(ids: list[int], now: datetime) -> list[tuple[Delivery, Content]]:
    """Check, word and claim the pending rows ``ids`` in one transaction; the e-mails to send."""
    to_send: list[tuple[Delivery, Content]] = []
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, state=State.PENDING)
            .select_related("recipient")
            .order_by("pk")
        )
        if not rows:
            return []
        subjects = _load_subjects(rows)
        digest_prefs = {
            (user_id, kind): freq
            for user_id, kind, freq in NotificationPreference.objects.filter(
                user_id__in=[r.recipient_id for r in rows if r.channel == Channel.DIGEST],
                frequency__in=[Frequency.DAILY, Frequency.WEEKLY],
            ).values_list("user_id", "kind", "frequency")
        }
        notifications: list[Notification] = []
        checks = []
        for row in rows:
            kind = get_kind(row.kind)
            subject = subjects.get((row.subject_type_id, row.subject_id))
            if kind is not None and subject is not None and row.recipient is not None:
                checks.append((kind, row.recipient, subject))
        allowed = _may_view_all(checks)
        for row in rows:
            kind = get_kind(row.kind)
            subject = subjects.get((row.subject_type_id, row.subject_id))
            user = row.recipient
            if kind is None or subject is None or user is None:
                row.state, row.last_error = State.SKIPPED, "the subject or the kind no longer exists"
                continue
            reason = _skip_reason(kind, user)
            if reason:
                row.state, row.last_error = State.SKIPPED, reason
                continue
            if (user.pk, subject._meta.label, subject.pk) not in allowed:
                row.state, row.last_error = State.SKIPPED, "the recipient may not see the subject"
                continue
            if kind.on_claim is not None:
                kind.on_claim(row)
            with translation.override(user.language or settings.LANGUAGE_CODE):
                content = kind.build(subject, user, row)
                if kind.is_neutral(subject):
                    content = _neutral_content(kind, subject, content.url)
            if kind.inapp:
                notifications.append(
                    Notification(
                        recipient=user,
                        kind=row.kind,
                        title=content.title[:255],
                        url=content.url[:500],
                        delivery=row,
                        created_at=now,
                        digest_frequency=(
                            digest_prefs.get((user.pk, row.kind), Frequency.DAILY)
                            if row.channel == Channel.DIGEST
                            else ""
                        ),
                    )
                )
            row.address = user.email
            if row.channel == Channel.EMAIL:
                row.state, row.attempts, row.sending_at = State.SENDING, row.attempts + 1, now
                to_send.append((row, content))
            else:
                row.state, row.sent_at = State.SENT, now
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)
        for row in rows:
            row.updated_at = now
        Delivery.objects.bulk_update(
            rows, ["state", "attempts", "sending_at", "sent_at", "last_error", "address", "updated_at"]
        )
    return to_send


def classify(exc: BaseException) -> tuple[bool, str]:
    """(permanent?, reason) for a failed send: a refusal (5xx) is final, the rest is retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = list(exc.recipients.values())
        code, message = codes[0] if codes else (550, b"refused")
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return int(code) >= 500, f"{code} {text}"[:500]
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return exc.smtp_code >= 500, f"{exc.smtp_code} {text}"[:500]
    if isinstance(exc, ValueError | UnicodeError):
        return True, f"malformed message or address: {exc}"[:500]
    return False, f"{exc.__class__.__name__}: {exc}"[:500]


def email_for(row: Delivery, content: Content, connection: Any = None) -> EmailMessage:
    body = content.body
    link = absolute(content.url)
    if content.url and link not in body:
        body = f"{body.rstrip()}\n\n{link}\n"
    return EmailMessage(
        subject=content.title.replace("\n", " ")[:200],
        body=body,
        to=[row.address],
        headers={"Message-ID": row.message_id},
        connection=connection,
    )


def _finish(row: Delivery, exc: BaseException | None, now: datetime) -> str:
    """Record the outcome of one send; the row must still be ours (``sending``)."""
    mine = Delivery.objects.filter(pk=row.pk, state=State.SENDING)
    state, reason = _outcome(row, exc)
    if state == State.SENT:
        mine.update(state=State.SENT, sent_at=now, last_error="", updated_at=now)
    else:
        mine.update(state=state, last_error=reason, updated_at=now)
    return state


def flush_seconds() -> float:
    return float(getattr(settings, "NOTIFY_FLUSH_SECONDS", 1.0))


def _outcome(row: Delivery, exc: BaseException | None) -> tuple[str, str]:
    """(new state, reason) for one send."""
    if exc is None:
        return State.SENT, ""
    permanent, reason = classify(exc)
    if permanent or row.attempts >= max_attempts():
        logger.warning("delivery failed", extra={"delivery": row.pk, "kind": row.kind, "reason": reason})
        return State.FAILED, reason
    return State.PENDING, reason


def _finish_many(outcomes: list[tuple[Delivery, BaseException | None]], now: datetime) -> dict[str, int]:
    """Record the outcomes of several sends in at most three queries; only rows still ours
    (``sending``) change, as in ``_finish``."""
    counts: dict[str, int] = defaultdict(int)
    sent: list[int] = []
    others: list[Delivery] = []
    for row, exc in outcomes:
        state, reason = _outcome(row, exc)
        counts[state] += 1
        if state == State.SENT:
            sent.append(row.pk)
        else:
            row.state, row.last_error, row.updated_at = state, reason, now
            others.append(row)
    if sent:
        Delivery.objects.filter(pk__in=sent, state=State.SENDING).update(
            state=State.SENT, sent_at=now, last_error="", updated_at=now
        )
    if others:
        mine = set(
            Delivery.objects.filter(pk__in=[r.pk for r in others], state=State.SENDING).values_list("pk", flat=True)
        )
        Delivery.objects.bulk_update([r for r in others if r.pk in mine], ["state", "last_error", "updated_at"])
    return counts


def send_claimed(pairs: list[tuple[Delivery, Content]], now: datetime | None = None) -> dict[str, int]:
    """Send each claimed e-mail on its own: one recipient's refusal never stops the others. The
    outcomes are written together, after the batch or every ``NOTIFY_FLUSH_SECONDS`` of sending
    (whichever comes first): a fixed number of queries per batch, and a worker that dies leaves at
    most that window's accepted mails unrecorded (they go again, with the same Message-ID)."""
    import time

    counts: dict[str, int] = defaultdict(int)
    if not pairs:
        return counts
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 20)
    outcomes: list[tuple[Delivery, BaseException | None]] = []
    last_flush = time.monotonic()

    def flush() -> None:
        for state, n in _finish_many(outcomes, now or timezone.now()).items():
            counts[state] += n
        outcomes.clear()

    try:
        for row, content in pairs:
            exc: BaseException | None = None
            try:
                validate_email(row.address)
                email_for(row, content, connection).send()
            except ValidationError:
                exc = ValueError("not an e-mail address")
            except Exception as error:  # noqa: BLE001 - each recipient's failure is recorded, the batch goes on
                exc = error
                _reset(connection)
            outcomes.append((row, exc))
            if time.monotonic() - last_flush >= flush_seconds():
                flush()
                last_flush = time.monotonic()
    finally:
        _reset(connection)
        if outcomes:
            flush()
    return counts


def _reset(connection: Any) -> None:
    with contextlib.suppress(Exception):  # a broken connection is reopened by the next send
        connection.close()


def deliver_pending(
    *, now: datetime | None = None, limit: int = 2000, batch: int = 200, kinds: list[str] | None = None
) -> dict[str, int]:
    """Claim and send what is pending (of ``kinds``, or all), ``batch`` rows a transaction."""
    now = now or timezone.now()
    counts: dict[str, int] = defaultdict(int)
    pending = Delivery.objects.filter(state=State.PENDING)
    if kinds is not None:
        pending = pending.filter(kind__in=kinds)
    ids = list(pending.order_by("pk").values_list("pk", flat=True)[:limit])
    for start in range(0, len(ids), batch):
        claimed = _claim(ids[start : start + batch], now)
        for state, n in send_claimed(claimed, now).items():
            counts[state] += n
    counts["in_app"] = Notification.objects.filter(delivery_id__in=ids).count() if ids else 0
    return dict(counts)


# --- one message at a time (invitations) -------------------------------------------------------------


def send_once(
    *,
    kind: str,
    subject: models.Model,
    recipient_key: str,
    address: str,
    due_key: str,
    make_message: Callable[[str], EmailMessage],
    recipient: User | None = None,
) -> str:
    """Send one e-mail under the same guarantee as the reminders: the row is committed ``sending``
    before the send, ``sent`` after. Returns the row's state (``sent`` when it was sent before,
    ``sending`` when another worker has it now)."""
    now = timezone.now()
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    with transaction.atomic():
        row, _created = Delivery.objects.get_or_create(
            kind=kind,
            subject_type=ct,
            subject_id=subject.pk,
            recipient_key=recipient_key,
            due_key=due_key[:64],
            defaults={
                "recipient": recipient,
                "address": address,
                "message_id": message_id_for(kind, ct.pk, subject.pk, recipient_key, due_key[:64]),
            },
        )
        row = Delivery.objects.select_for_update().get(pk=row.pk)
        if row.state != State.PENDING:
            return row.state
        row.state, row.attempts, row.sending_at, row.address = State.SENDING, F("attempts") + 1, now, address
        row.save(update_fields=["state", "attempts", "sending_at", "address", "updated_at"])
        row.refresh_from_db(fields=["attempts"])
    exc: BaseException | None = None
    try:
        validate_email(address)
        make_message(row.message_id).send()
    except ValidationError:
        exc = ValueError("not an e-mail address")
    except Exception as error:  # noqa: BLE001 - recorded on the row, the caller goes on with the next
        exc = error
    return _finish(row, exc, timezone.now())


# --- sweep ------------------------------------------------------------------------------------------


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Rows whose worker died while ``sending`` go back to ``pending`` (or ``failed`` once the
    attempts ran out); then each app's sweepers re-queue work whose message was lost."""
    from core.notifications.registry import sweepers

    now = now or timezone.now()
    stale = Delivery.objects.filter(state=State.SENDING, sending_at__lt=now - stuck_after())
    failed = stale.filter(attempts__gte=max_attempts()).update(
        state=State.FAILED, last_error="stuck while sending; attempts exhausted", updated_at=now
    )
    requeued = stale.update(state=State.PENDING, last_error="re-queued: stuck while sending", updated_at=now)
    swept = sum(func(now) for func in sweepers())
    return {"requeued": requeued, "exhausted": failed, "swept": swept}


def retry(*, delivery: Delivery) -> None:
    """An operator's retry of a failed or stuck delivery (fresh attempts, same Message-ID)."""
    Delivery.objects.filter(pk=delivery.pk, state__in=[State.FAILED, State.SENDING]).exclude(recipient_key="").update(
        state=State.PENDING, attempts=0, last_error="", updated_at=timezone.now()
    )
