"""Login links: invited by whoever may change the record, made when the holder of the e-mail
address on record accepts (a login link is a grant: nobody attaches a login by themselves)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import forget, require
from core.services import audit_record
from stakeholders import permissions
from stakeholders.models import (
    LoginLinkInvitation,
    Person,
)


def login_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def person_login_invite(*, actor: User, person: Person, base_url: str) -> LoginLinkInvitation:
    """Invite the person, at the e-mail address on their record, to link a login to it. The link is
    made only when the holder of that address accepts (:func:`person_login_accept`); an earlier
    invitation still open is withdrawn."""
    require(permissions.can_change_person(actor, person), _("You may not change this person's record."))
    if person.user_id is not None:
        raise ValidationError(_("This record is already linked to a login."))
    if not person.email:
        raise ValidationError({"email": _("Record the person's e-mail address (with their consent) first.")})
    now = timezone.now()
    person.login_invitations.filter(accepted_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    invitation = LoginLinkInvitation.objects.create(
        person=person,
        email=person.email.strip().lower(),
        token_hash=login_token_hash(token),
        invited_by=actor,
        expires_at=now + timedelta(days=LoginLinkInvitation.VALID_FOR_DAYS),
    )
    audit_record(actor=actor, action="person.login_invite", target=person)
    from core.notifications.delivery import site_url

    # The configured address (SITE_URL), as every e-mail link; the request's only without one.
    link = (site_url() or base_url.rstrip("/")) + reverse("stakeholders:login-link-accept", args=[token])
    transaction.on_commit(lambda: _login_invitation_send(invitation, link), robust=True)
    return invitation


def _login_invitation_send(invitation: LoginLinkInvitation, link: str) -> None:
    """Sent once under the delivery guarantee (ADR 0012): recorded, a refused or malformed address
    is a failed delivery on the operations page, never an error for the person who invited."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    from core.notifications import send_once

    context = {"invitation": invitation, "person": invitation.person, "link": link}

    def message(message_id: str) -> EmailMessage:
        return EmailMessage(
            subject=render_to_string("stakeholders/email/login_link_subject.txt", context).strip(),
            body=render_to_string("stakeholders/email/login_link.txt", context),
            to=[invitation.email],
            headers={"Message-ID": message_id},
        )

    send_once(
        kind="stakeholders.login_link",
        subject=invitation,
        recipient_key=f"email:{invitation.email}",
        address=invitation.email,
        due_key="invite",
        make_message=message,
    )


@transaction.atomic
def person_login_accept(*, user: User, invitation: LoginLinkInvitation) -> Person:
    """The holder of the invited e-mail address links their login to the record."""
    invitation = LoginLinkInvitation.objects.select_for_update().get(pk=invitation.pk)
    person = Person.objects.select_for_update().get(pk=invitation.person_id)
    now = timezone.now()
    if not (
        invitation.accepted_at is None
        and invitation.expires_at > now
        and person.user_id is None
        and person.email.strip().lower() == invitation.email
    ):
        raise ValidationError(_("This invitation is no longer valid: ask for a new one."))
    if user.email.strip().lower() != invitation.email:
        raise PermissionDenied(_("This invitation was sent to another e-mail address: sign in with that address."))
    if Person.objects.filter(user=user).exists():
        raise ValidationError(_("Your login is already linked to a person record."))
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action="person.login_link",
        target=person,
        changes={"login_id": [None, user.pk], "invitation": invitation.pk},
        reason="Accepted the invitation sent to the e-mail address on record.",
    )
    forget(user)
    return person


@transaction.atomic
def person_login_accept_with_new_account(*, invitation: LoginLinkInvitation, password: str) -> User:
    """The holder of the invited address has no account: open one with that address, then link it."""
    from django.contrib.auth.password_validation import validate_password

    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account with this e-mail address exists: sign in to accept."))
    person = invitation.person
    zone = person.jurisdiction.effective_time_zone() if person.jurisdiction is not None else ""
    user = User(email=invitation.email, full_name=person.full_name[:200], time_zone=zone)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    audit_record(actor=user, action="user.open", target=user, reason="Accepted a login invitation.")
    person_login_accept(user=user, invitation=invitation)
    return user
