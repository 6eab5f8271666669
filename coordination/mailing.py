"""The e-mails a secretariat sends about a meeting: invitations, agenda updates, cancellations.

Each message is rendered in its recipient's language and carries absolute links built from the
``SITE_URL`` setting (a mail client has no page to resolve a relative link against). The same
function renders the message that is sent and the preview the secretariat looks at before
publishing, so the preview is exactly what goes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from coordination.models import Invitation, Meeting
from stakeholders.models import Person


def site_url() -> str:
    """The portal's public address, without a trailing slash (``SITE_URL``)."""
    return str(getattr(settings, "SITE_URL", "") or "").rstrip("/")


def absolute(path: str) -> str:
    """``path`` (``/coordination/meetings/51/``) as a link that opens from a mail client."""
    return f"{site_url()}{path}"


def _language_codes() -> dict[str, str]:
    """Every way a language is written in the registry's free text (code, English name, own name)
    mapped to its code."""
    names: dict[str, str] = {}
    for code, label in settings.LANGUAGES:
        names[code.lower()] = code
        with translation.override("en"):
            names[str(label).lower()] = code
        info = translation.get_language_info(code)
        names[info["name"].lower()] = code
        names[info["name_local"].lower()] = code
    return names


def recipient_language(person: Person) -> str:
    """The language a person reads their e-mails in: their account's language where the account
    has one, else the first of the languages recorded on their registry entry that the portal
    speaks, else the portal's default."""
    user = person.user if person.user_id else None
    preferred = str(getattr(user, "language", "") or "")
    if preferred and translation.check_for_language(preferred):
        return preferred
    names = _language_codes()
    for word in (person.languages or "").replace(";", ",").split(","):
        code = names.get(word.strip().lower())
        if code:
            return code
    return str(settings.LANGUAGE_CODE)


def address(person: Person) -> str:
    return person.email or (person.user.email if person.user else "")


@dataclass
class Message:
    subject: str
    body: str
    ics: bytes
    method: str
    language: str
    to: str
    message_id: str = ""

    def email(self) -> EmailMessage:
        headers = {"Message-ID": self.message_id} if self.message_id else {}
        message = EmailMessage(subject=self.subject, body=self.body, to=[self.to], headers=headers)
        part = MIMEText(self.ics.decode("utf-8"), "calendar", "utf-8")
        part.set_param("method", self.method)
        part.add_header("Content-Disposition", "attachment", filename="invitation.ics")
        message.attach(part)
        message.extra_headers["Content-Language"] = self.language
        return message


def invitation_message(
    invitation: Invitation,
    meeting: Meeting,
    *,
    series_meetings: list[Meeting] | None = None,
    agenda_titles: list[str] | None = None,
    message_id: str = "",
) -> Message:
    """The message for one invitee: the first invitation, an update (the agenda or the meeting
    changed since they were sent one) or a cancellation. ``series_meetings``: send the whole series
    (its RRULE), for an invitee whose calendar does not know it yet."""
    from coordination.ical import invitation_ics
    from coordination.notifications import local_when

    person = invitation.person
    to = address(person)
    language = recipient_language(person)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    updated = not cancelled and invitation.sent_sequence is not None
    titles = [] if meeting.is_confidential or agenda_titles is None else agenda_titles
    with translation.override(language):
        ics = invitation_ics(
            meeting,
            attendee_email=to,
            attendee_name=person.full_name,
            series_meetings=series_meetings,
            agenda_titles=titles,
        )
        context = {
            "when": local_when(meeting),
            "meeting": meeting,
            "person": person,
            "series_meetings": series_meetings,
            "kind": invitation.get_kind_display(),
            "agenda_titles": titles,
            "updated": updated,
            "meeting_url": absolute(meeting.get_absolute_url()),
            "site_url": site_url(),
        }
        if cancelled:
            subject = _("Cancelled: %(title)s") % {"title": meeting.title}
            template = "coordination/email/cancellation.txt"
        elif updated:
            subject = _("Updated: %(title)s") % {"title": meeting.title}
            template = "coordination/email/invitation.txt"
        else:
            subject = _("Invitation: %(title)s") % {"title": meeting.title}
            template = "coordination/email/invitation.txt"
        body = render_to_string(template, context)
    return Message(
        subject=subject,
        body=body,
        ics=ics,
        method="CANCEL" if cancelled else "REQUEST",
        language=language,
        to=to,
        message_id=message_id,
    )
