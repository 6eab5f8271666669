# Reviews are reminded by the one notifications mechanism (core.Delivery); what was already
# announced becomes sent deliveries, so nothing is announced twice at the upgrade.

from django.db import migrations


def _message_id(kind, ct_id, subject_id, key, due_key):
    import hashlib

    from django.conf import settings

    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    digest = hashlib.sha256(f"{kind}|{ct_id}|{subject_id}|{key}|{due_key}".encode()).hexdigest()
    return f"<{digest[:32]}@{hosts[0] if hosts else 'roundtable.invalid'}>"


def copy_sent_reminders(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Delivery = apps.get_model("core", "Delivery")
    ReviewReminder = apps.get_model("infosharing", "ReviewReminder")
    Agreement = apps.get_model("infosharing", "SharingAgreement")
    Item = apps.get_model("infosharing", "InformationItem")
    SharingAdmin = apps.get_model("infosharing", "SharingAdmin")
    User = apps.get_model("core", "User")
    agreement_ct, _ = ContentType.objects.get_or_create(app_label="infosharing", model="sharingagreement")
    item_ct, _ = ContentType.objects.get_or_create(app_label="infosharing", model="informationitem")
    rows = []

    def add(kind, ct, subject_id, user, due_key, sent_at):
        key = f"user:{user.pk}"
        rows.append(
            Delivery(
                kind=kind, subject_type=ct, subject_id=subject_id, recipient=user, recipient_key=key,
                address=user.email, due_key=due_key, channel="email", state="sent", attempts=1,
                message_id=_message_id(kind, ct.pk, subject_id, key, due_key), sent_at=sent_at,
            )
        )

    for r in ReviewReminder.objects.all():
        due = r.due_on.isoformat()
        if r.kind == "agreement":
            agreement = Agreement.objects.filter(pk=r.object_id).first()
            if agreement is None:
                continue
            orgs = agreement.parties.values_list("organisation_id", flat=True)
            for admin in SharingAdmin.objects.filter(organisation_id__in=orgs).select_related("user"):
                add("infosharing.agreement_review", agreement_ct, r.object_id, admin.user, due, r.sent_at)
        elif r.kind == "item":
            item = Item.objects.filter(pk=r.object_id).first()
            user = User.objects.filter(pk=item.originator_id).first() if item is not None else None
            if user is not None:
                add("infosharing.item_review", item_ct, r.object_id, user, due, r.sent_at)
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("infosharing", "0004_item_search_index"),
        ("core", "0002_notifications_and_deliveries"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_sent_reminders, migrations.RunPython.noop),
        migrations.DeleteModel(name="ReviewReminder"),
    ]
