"""Bad input refused with a clear message, nothing half-saved, the refusal logged; the rules of
sharing (labels, agreements, parties), second-person release, retention, reviews, notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from core.models import GranteeKind, Notification
from core.permissions import allows, forget
from infosharing import services
from infosharing.models import (
    TLP,
    AccessLog,
    Attachment,
    InformationItem,
    ItemGrant,
    ItemVisibility,
    SharingAgreement,
)
from tests.infosharing.conftest import make_agreement

pytestmark = pytest.mark.django_db


def refusals(actor, item=None) -> int:  # type: ignore[no-untyped-def]
    qs = AccessLog.objects.filter(event="refusal", actor=actor)
    return (qs.filter(item=item) if item else qs).count()


def share(sw, label, kind, gid, actor=None, **kw):  # type: ignore[no-untyped-def]
    return services.item_share(
        actor=actor or sw.paula,
        item=sw.items[label],
        grantee_kind=kind,
        grantee_id=gid,
        reason="need",
        confirmed=True,
        **kw,
    )


# --- Bad input from the issue ----------------------------------------------------------------


def test_attachment_of_a_forbidden_type_is_refused(sw):
    item = sw.items[TLP.AMBER]
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary", content_type="application/pdf")
    with pytest.raises(ValidationError, match="not what its name says"):
        services.attachment_add(actor=sw.paula, item=item, upload=exe)
    script = SimpleUploadedFile("run.sh", b"#!/bin/sh\nrm -rf /\n")
    with pytest.raises(ValidationError, match="not accepted"):
        services.attachment_add(actor=sw.paula, item=item, upload=script)
    assert not Attachment.objects.exists() and refusals(sw.paula, item) == 2


def test_attachment_over_the_size_is_refused(sw, settings):
    settings.INFOSHARING_ATTACHMENT_MAX_BYTES = 10
    item = sw.items[TLP.AMBER]
    with pytest.raises(ValidationError, match="larger than"):
        services.attachment_add(actor=sw.paula, item=item, upload=SimpleUploadedFile("a.txt", b"x" * 11))
    assert not Attachment.objects.exists() and refusals(sw.paula, item) == 1


def test_template_value_of_the_wrong_type_is_refused(sw):
    tpl = services.template_define(
        actor=sw.sana,
        name="Incident",
        fields=[
            {"name": "people", "type": "integer", "required": True},
            {"name": "when", "type": "date"},
            {"name": "kind", "type": "choice", "choices": ["hate speech", "graffiti"]},
        ],
    )
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            actor=sw.paula,
            title="x",
            organisation=sw.police,
            category="Safeguarding",
            template=tpl,
            values={"people": "several", "when": "yesterday", "kind": "riot"},
        )
    msgs = exc.value.message_dict
    assert "Whole number" in msgs["values.people"][0] and "values.when" in msgs and "values.kind" in msgs
    assert not InformationItem.objects.filter(title="x").exists() and refusals(sw.paula) == 1
    ok = services.item_create(
        actor=sw.paula,
        title="y",
        organisation=sw.police,
        category="Safeguarding",
        template=tpl,
        values={"people": "3", "when": "2026-11-30", "kind": "graffiti"},
    )
    assert ok.values == {"people": 3, "when": "2026-11-30", "kind": "graffiti"}


def test_missing_required_value_is_refused(sw):
    tpl = services.template_define(
        actor=sw.sana, name="T", fields=[{"name": "place", "type": "text", "required": True}]
    )
    with pytest.raises(ValidationError, match="required"):
        services.item_create(actor=sw.paula, title="x", organisation=sw.police, category="Safeguarding", template=tpl)


@pytest.mark.parametrize("state", ["expired", "suspended", "overdue"])
def test_sharing_under_an_agreement_that_is_not_open_is_refused(sw, state):
    a = sw.agreement
    if state == "overdue":
        a.next_review = timezone.localdate() - timedelta(days=1)
    else:
        a.status = state
    a.save()
    with pytest.raises(ValidationError, match="no new sharing"):
        share(sw, TLP.AMBER, GranteeKind.ORGANISATION, sw.women.pk)
    assert not ItemGrant.objects.filter(grantee_id=sw.women.pk, target=sw.items[TLP.AMBER]).exists()
    assert refusals(sw.paula, sw.items[TLP.AMBER]) == 1


def test_sharing_above_the_agreement_label_is_refused(sw):
    low = make_agreement(sw, title="Low", max_tlp=TLP.GREEN)
    services.agreement_activate(actor=sw.sana, agreement=low)
    item = services.item_create(
        actor=sw.paula, title="g", organisation=sw.police, category="Safeguarding", label=TLP.GREEN, agreement=low
    )
    item.label = TLP.AMBER  # as if relabelled without the agreement's cover
    item.save()
    with pytest.raises(ValidationError, match="up to TLP:GREEN"):
        services.item_share(
            actor=sw.paula, item=item, grantee_kind="organisation", grantee_id=sw.women.pk, reason="r", confirmed=True
        )
    with pytest.raises(ValidationError, match="up to TLP:GREEN"):
        services.item_create(
            actor=sw.paula, title="h", organisation=sw.police, category="Safeguarding", label=TLP.RED, agreement=low
        )


def test_grant_to_a_non_party_is_refused(sw):
    with pytest.raises(ValidationError, match="not a party"):
        share(sw, TLP.AMBER, GranteeKind.ORGANISATION, sw.world.other_org.pk)
    with pytest.raises(ValidationError, match="does not belong to a party"):
        share(sw, TLP.RED, GranteeKind.USER, sw.nina.pk)
    assert refusals(sw.paula) == 2
    forget(sw.nina)
    assert not allows(sw.nina, sw.items[TLP.AMBER])


def test_raising_a_label_by_a_non_originator_is_refused(sw):
    item = sw.items[TLP.GREEN]
    with pytest.raises(PermissionDenied, match="Only the originator"):
        services.item_relabel(actor=sw.mona, item=item, label=TLP.RED, reason="too sensitive")
    with pytest.raises(Http404):
        services.item_relabel(actor=sw.nina, item=item, label=TLP.RED, reason="x")
    item.refresh_from_db()
    assert item.label == TLP.GREEN and refusals(sw.mona, item) == 1 and refusals(sw.nina, item) == 1


def test_unlabelled_items_cannot_be_shared(sw):
    item = services.item_create(
        actor=sw.paula, title="draft", organisation=sw.police, category="Safeguarding", agreement=sw.agreement
    )
    with pytest.raises((ValidationError, PermissionDenied)):
        services.item_share(
            actor=sw.paula,
            item=item,
            grantee_kind="organisation",
            grantee_id=sw.world.org.pk,
            reason="r",
            confirmed=True,
        )
    assert not ItemGrant.objects.filter(target=item).exists()


@pytest.mark.parametrize(
    ("label", "kind", "message"),
    [
        (TLP.RED, GranteeKind.ORGANISATION, "named people only"),
        (TLP.AMBER_STRICT, GranteeKind.USER, "recipient organisations only"),
        (TLP.CLEAR, GranteeKind.USER, "no grant is needed"),
    ],
)
def test_label_limits(sw, label, kind, message):
    gid = sw.world.org.pk if kind == GranteeKind.ORGANISATION else sw.mona.pk
    with pytest.raises(ValidationError, match=message):
        share(sw, label, kind, gid)


def test_widening_access_is_confirmed(sw):
    with pytest.raises(ValidationError, match="Confirm that Harbour Women"):
        services.item_share(
            actor=sw.paula, item=sw.items[TLP.AMBER], grantee_kind="organisation", grantee_id=sw.women.pk, reason="r"
        )
    assert not ItemGrant.objects.filter(grantee_id=sw.women.pk, target=sw.items[TLP.AMBER]).exists()


def test_sharing_within_the_own_organisation_needs_no_agreement(sw):
    item = services.item_create(
        actor=sw.paula, title="internal", organisation=sw.police, category="Anything", label=TLP.AMBER
    )
    services.item_share(
        actor=sw.paula, item=item, grantee_kind="organisation", grantee_id=sw.police.pk, reason="team", confirmed=True
    )
    forget(sw.pete)
    assert allows(sw.pete, item)
    with pytest.raises(ValidationError, match="cites an active agreement"):
        services.item_share(
            actor=sw.paula,
            item=item,
            grantee_kind="organisation",
            grantee_id=sw.world.org.pk,
            reason="r",
            confirmed=True,
        )


def test_only_the_originator_lowers_a_label_and_raising_drops_grants_beyond_the_new_limits(sw):
    item = sw.items[TLP.AMBER]
    services.item_relabel(actor=sw.paula, item=item, label=TLP.RED, reason="new facts")
    forget(sw.mona)
    assert not allows(sw.mona, item)
    assert AccessLog.objects.filter(event="label_change", item=item, detail__to="RED").exists()
    assert not ItemVisibility.objects.filter(item=item, grantee_kind="organisation").exists()


def test_revoke_takes_effect_on_the_next_request(sw):
    grant = ItemGrant.objects.get(target=sw.items[TLP.AMBER], grantee_id=sw.world.org.pk)
    services.grant_revoke(actor=sw.sana, grant=grant, reason="no longer needed")
    forget(sw.mona)
    assert not allows(sw.mona, sw.items[TLP.AMBER])
    assert AccessLog.objects.filter(event="revoke", actor=sw.sana).exists()


def test_revoking_twice_changes_and_logs_nothing_more(sw):
    grant = ItemGrant.objects.get(target=sw.items[TLP.AMBER], grantee_id=sw.world.org.pk)
    services.grant_revoke(actor=sw.sana, grant=grant, reason="no longer needed")
    revoked_at = ItemGrant.objects.get(pk=grant.pk).revoked_at
    services.grant_revoke(actor=sw.sana, grant=grant, reason="sent again")
    again = ItemGrant.objects.get(pk=grant.pk)
    assert again.revoked_at == revoked_at and again.revoke_reason == "no longer needed"
    assert AccessLog.objects.filter(event="revoke", item=sw.items[TLP.AMBER]).count() == 1


def test_grant_expiry_takes_effect_before_any_job(sw):
    grant = share(sw, TLP.GREEN, GranteeKind.USER, sw.pete.pk, expires_at=timezone.now() + timedelta(hours=1))
    forget(sw.pete)
    assert allows(sw.pete, sw.items[TLP.GREEN])
    ItemGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    ItemVisibility.objects.filter(item=sw.items[TLP.GREEN], grantee_kind="user", grantee_id=sw.pete.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    forget(sw.pete)
    assert not allows(sw.pete, sw.items[TLP.GREEN])


def test_second_person_approves_a_red_release(sw):
    sw.agreement.release_approval_required = True
    sw.agreement.save()
    grant = share(sw, TLP.RED, GranteeKind.USER, sw.mona.pk)
    forget(sw.mona)
    assert grant.needs_approval and not allows(sw.mona, sw.items[TLP.RED])
    with pytest.raises(PermissionDenied, match="second person"):
        services.grant_approve(actor=sw.paula, grant=grant)
    services.grant_approve(actor=sw.sana, grant=grant)
    forget(sw.mona)
    assert allows(sw.mona, sw.items[TLP.RED])


def test_agreement_activation_needs_signatures_and_a_dpia_for_special_data(sw):
    a = services.agreement_create(
        actor=sw.sana,
        title="Special",
        purpose="p",
        summary="s",
        categories=["Health"],
        lawful_basis="public_task",
        parties=[(sw.police, "lead"), (sw.women, "both")],
        disposal="d",
        security_measures="s",
        rights_handling="r",
        primary_user_roles="u",
        next_review=timezone.localdate() + timedelta(days=30),
        special_category=True,
        special_condition="Art 9(2)(g)",
    )
    with pytest.raises(ValidationError) as exc:
        services.agreement_activate(actor=sw.sana, agreement=a)
    assert "not yet signed" in str(exc.value) and "impact assessment" in str(exc.value)
    a.refresh_from_db()
    assert a.status == SharingAgreement.Status.DRAFT


def test_special_category_needs_its_condition(sw):
    with pytest.raises(ValidationError, match="condition"):
        make_agreement(sw, title="No condition", criminal_offence=True)
    assert not SharingAgreement.objects.filter(title="No condition").exists()


def test_only_sharing_admins_write_agreements(sw):
    for persona in ("alice", "bob", "mona", "paula"):
        with pytest.raises(PermissionDenied):
            services.agreement_create(
                actor=getattr(sw, persona),
                title="x",
                purpose="p",
                summary="s",
                categories=["c"],
                lawful_basis="consent",
                parties=[(sw.police, "lead")],
                disposal="d",
                security_measures="s",
                rights_handling="r",
                primary_user_roles="u",
                next_review=timezone.localdate() + timedelta(days=9),
            )


def test_retention_expiry_erases_content_and_files_but_keeps_tombstone_and_log(sw, django_capture_on_commit_callbacks):
    item = sw.items[TLP.AMBER]
    att = services.attachment_add(actor=sw.paula, item=item, upload=SimpleUploadedFile("n.txt", b"secret notes"))
    stored = att.stored_as
    assert services.attachment_storage().exists(stored)
    InformationItem.objects.filter(pk=item.pk).update(retention_until=timezone.localdate() - timedelta(days=1))
    forget(sw.mona)
    assert not allows(sw.mona, item)  # hidden at once, before the job
    from infosharing.tasks import expire_information_items_task

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_information_items_task.delay().get() == 1
    assert expire_information_items_task.delay().get() == 0  # idempotent
    item.refresh_from_db()
    assert (
        item.erased_at and item.facts == "" and item.opinion == "" and item.values == {} and "Report" not in item.title
    )
    assert item.reference and item.label == TLP.AMBER
    assert not services.attachment_storage().exists(stored)
    entry = AccessLog.objects.get(event="erasure", item=item)
    assert "secret" not in str(entry.detail) and entry.detail["attachments_erased"] == 1
    assert AccessLog.objects.filter(item=item, event="grant").exists()
    assert not ItemVisibility.objects.filter(item=item).exists()


def test_review_reminders_once_per_due_date(sw):
    from core.notifications.jobs import run

    sw.agreement.next_review = timezone.localdate() + timedelta(days=10)
    sw.agreement.save()
    InformationItem.objects.filter(pk=sw.items[TLP.RED].pk).update(review_on=timezone.localdate())
    run()
    run()
    assert Notification.objects.filter(recipient=sw.sana, title__contains="due for review").count() == 1
    red_note = Notification.objects.get(recipient=sw.paula, kind="infosharing.item_review")
    assert red_note.title == "[TLP:RED] An information item is due for review" and "Report" not in red_note.title


def test_notifications_are_neutral_rechecked_and_skip_accounts_never_signed_in(sw, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory
    from tests.infosharing.conftest import member

    fresh = UserFactory(email="fresh@example.org", last_login=None)
    from tests.factories import OrganisationMembershipFactory

    OrganisationMembershipFactory(user=fresh, organisation=sw.women)
    late = member(sw.women, "late@example.org", "Late Leaver")
    from core.models import Delivery
    from core.notifications import deliver_pending

    Delivery.objects.all().delete()
    Notification.objects.all().delete()
    mail.outbox.clear()

    share(sw, TLP.AMBER, GranteeKind.ORGANISATION, sw.women.pk)
    from stakeholders.models import OrganisationMembership

    OrganisationMembership.objects.filter(user=late).delete()  # left before the notice went out
    deliver_pending()
    recipients = set(Notification.objects.values_list("recipient__email", flat=True))
    assert recipients == {"ollie@example.org"}
    note = Notification.objects.get()
    assert note.title == "[TLP:AMBER] An information item has been shared with you" and "Report" not in note.title
    assert [m.to for m in mail.outbox] == [["ollie@example.org"]]
    assert mail.outbox[0].subject.startswith("[TLP:AMBER]") and "secret" not in mail.outbox[0].body
