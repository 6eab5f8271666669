"""Writes to committees and meetings. Each function checks the actor, validates, writes and audits"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.models import (
    AgendaItem,
    Committee,
    Meeting,
    Paper,
)
from coordination.services._common import _require_unlocked
from core.models import User
from core.permissions import require
from core.services import audit_record


@transaction.atomic
def paper_add(
    *,
    actor: User,
    upload: Any,
    title: str = "",
    agenda_item: AgendaItem | None = None,
    meeting: Meeting | None = None,
    committee: Committee | None = None,
) -> Paper:
    """Attach a file to an agenda item (the meeting's managers), to a meeting's minutes (those who
    write them, until they are approved) or to a committee (its managers). Checked by content, size
    and the optional virus scan before anything is stored."""
    from coordination import papers

    if agenda_item is not None:
        target_meeting = agenda_item.meeting
        require(
            target_meeting is not None
            and permissions.can_manage_meeting(actor, target_meeting)
            or target_meeting is None
            and permissions.can_manage_committee(actor, agenda_item.committee),
            _("You may not add papers to this agenda."),
        )
        audit_target: Any = target_meeting or agenda_item.committee
    elif meeting is not None:
        require(permissions.can_write_minutes(actor, meeting), _("You may not add papers to these minutes."))
        _require_unlocked(meeting)
        audit_target = meeting
    else:
        require(
            committee is not None and permissions.can_manage_committee(actor, committee),
            _("You may not add papers to this committee."),
        )
        audit_target = committee
    name, content_type, size, sha256 = papers.check(upload)
    paper = Paper(
        agenda_item=agenda_item,
        meeting=meeting if agenda_item is None else None,
        committee=committee if agenda_item is None and meeting is None else None,
        title=(title or name)[:200],
        name=name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=actor,
    )
    paper.full_clean(exclude=["file"])
    paper.file.save(name, upload, save=False)
    paper.save()
    audit_record(actor=actor, action="paper.add", target=audit_target, changes={"paper": paper.pk, "size": size})
    return paper


@transaction.atomic
def paper_remove(*, actor: User, paper: Paper) -> None:
    """Remove a paper (whoever may add one there); the file goes once the removal is committed."""
    if paper.agenda_item_id:
        item = paper.agenda_item
        assert item is not None
        allowed = (
            permissions.can_manage_meeting(actor, item.meeting)
            if item.meeting is not None
            else permissions.can_manage_committee(actor, item.committee)
        )
        target: Any = item.meeting or item.committee
    elif paper.meeting_id:
        assert paper.meeting is not None
        allowed = permissions.can_write_minutes(actor, paper.meeting)
        if allowed:
            _require_unlocked(paper.meeting)
        target = paper.meeting
    else:
        assert paper.committee is not None
        allowed = permissions.can_manage_committee(actor, paper.committee)
        target = paper.committee
    require(allowed, _("You may not remove this paper."))
    name, storage = str(paper.file.name), paper.file.storage
    paper.delete()
    audit_record(actor=actor, action="paper.remove", target=target, changes={"paper": name})
    transaction.on_commit(lambda: storage.delete(name))
