"""Pages: the label before content, the acknowledge step, 404 for what is not visible, query budgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from infosharing import services
from infosharing.models import TLP, AccessLog, Acknowledgement
from tests.infosharing.conftest import EXPECTED

pytestmark = pytest.mark.django_db

ITEM_ROUTES = ["item-detail", "item-export-pdf", "item-share", "item-log"]


def test_list_shows_only_what_each_persona_may_open(sw, client_for):
    for persona, labels in EXPECTED.items():
        body = client_for(getattr(sw, persona)).get(reverse("infosharing:item-list")).content.decode()
        for label, item in sw.items.items():
            assert (item.title in body) == (label in labels), (persona, label)


def test_search_returns_only_visible_items_and_logs_the_hits(sw, client_for):
    body = client_for(sw.mona).get(reverse("infosharing:item-list"), {"q": "report"}).content.decode()
    assert "Report AMBER" in body and "Report RED" not in body
    assert AccessLog.objects.filter(event="search_hit", actor=sw.mona, item=sw.items[TLP.AMBER]).exists()
    assert not AccessLog.objects.filter(event="search_hit", item=sw.items[TLP.RED]).exists()


@pytest.mark.parametrize("persona", ["charlie", "nina", "pete", "admin", "bob", "alice"])
@pytest.mark.parametrize("route", ITEM_ROUTES)
def test_outsiders_get_404_on_every_item_route(sw, client_for, persona, route):
    c = client_for(getattr(sw, persona))
    for label in (TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED):
        if persona == "admin" and route == "item-log":
            continue  # platform admins read logs (metadata only)
        assert c.get(reverse(f"infosharing:{route}", args=[sw.items[label].pk])).status_code == 404, (label, route)


def test_anonymous_is_sent_to_sign_in(sw, client):
    r = client.get(reverse("infosharing:item-detail", args=[sw.items[TLP.AMBER].pk]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_recipient_acknowledges_before_reading(sw, client_for):
    c = client_for(sw.mona)
    url = reverse("infosharing:item-detail", args=[sw.items[TLP.AMBER].pk])
    body = c.get(url).content.decode()
    assert "TLP:AMBER" in body and sw.agreement.summary in body
    assert "secret facts" not in body
    assert not AccessLog.objects.filter(event="view", actor=sw.mona).exists()
    c.post(reverse("infosharing:item-acknowledge", args=[sw.items[TLP.AMBER].pk]))
    assert Acknowledgement.objects.filter(user=sw.mona, agreement=sw.agreement).exists()
    body = c.get(url).content.decode()
    assert body.index("TLP:AMBER") < body.index("secret facts AMBER")
    assert 'class="tlp tlp-amber' in body
    from django.contrib.staticfiles import finders

    css = Path(finders.find("infosharing/tlp.css")).read_text()
    assert ".tlp-amber, .tlp-amber-strict { color: #FFC000; }" in css and "background: #000" in css
    assert AccessLog.objects.filter(event="view", actor=sw.mona, item=sw.items[TLP.AMBER]).exists()


def test_training_required_blocks_acknowledgement_until_recorded(sw, client_for):
    sw.agreement.training_required = True
    sw.agreement.save()
    c = client_for(sw.mona)
    c.post(reverse("infosharing:item-acknowledge", args=[sw.items[TLP.AMBER].pk]))
    assert not Acknowledgement.objects.filter(user=sw.mona).exists()
    assert AccessLog.objects.filter(event="refusal", actor=sw.mona).exists()
    import datetime

    services.training_record(actor=sw.sana, user=sw.mona, completed_on=datetime.date.today(), course="Data protection")
    c.post(reverse("infosharing:item-acknowledge", args=[sw.items[TLP.AMBER].pk]))
    assert Acknowledgement.objects.filter(user=sw.mona).exists()


def test_sharing_admin_reads_the_log_but_not_the_content(sw, client_for):
    c = client_for(sw.sana)
    item = sw.items[TLP.AMBER]
    assert c.get(reverse("infosharing:item-detail", args=[item.pk])).status_code == 404
    body = c.get(reverse("infosharing:item-log", args=[item.pk])).content.decode()
    assert "secret facts" not in body and "Access granted" in body and "Harbour Youth Forum" in body


def test_attachment_is_served_only_through_the_checked_view(sw, client_for, settings):
    item = sw.items[TLP.AMBER]
    att = services.attachment_add(
        actor=sw.paula,
        item=item,
        upload=SimpleUploadedFile("note.pdf", b"%PDF-1.4 secret", content_type="application/pdf"),
    )
    url = reverse("infosharing:attachment-download", args=[item.pk, att.pk])
    assert client_for(sw.nina).get(url).status_code == 404
    mona = client_for(sw.mona)
    assert mona.get(url).status_code == 404  # not acknowledged yet
    services.agreement_acknowledge(actor=sw.mona, agreement=sw.agreement)
    r = mona.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert AccessLog.objects.filter(event="download", actor=sw.mona).exists()
    assert not att.stored_as.startswith(str(settings.MEDIA_ROOT))


def test_csv_export_carries_the_highest_label(sw, client_for):
    services.agreement_acknowledge(actor=sw.mona, agreement=sw.agreement)
    body = client_for(sw.mona).get(reverse("infosharing:item-export-csv")).content.decode()
    lines = body.strip().splitlines()
    assert lines[0] == "TLP:AMBER+STRICT" and lines[-1] == "TLP:AMBER+STRICT"
    assert "Report RED" not in body


@pytest.mark.parametrize("route", ["item-list", "request-list", "agreement-list", "template-list"])
def test_pages_render_for_a_member(sw, client_for, route):
    assert client_for(sw.mona).get(reverse(f"infosharing:{route}")).status_code == 200


def test_agreement_pages_404_for_a_non_party(sw, client_for):
    url = reverse("infosharing:agreement-detail", args=[sw.agreement.pk])
    assert client_for(sw.nina).get(url).status_code == 404
    body = client_for(sw.mona).get(url).content.decode()
    assert "Record of processing" in body and "Public task" in body


def test_list_query_budget_does_not_grow(sw, client_for, django_assert_max_num_queries):
    c = client_for(sw.mona)
    with django_assert_max_num_queries(14):
        c.get(reverse("infosharing:item-list"))
    for n in range(30):
        item = services.item_create(
            actor=sw.paula,
            title=f"Extra {n}",
            organisation=sw.police,
            category="Safeguarding",
            label=TLP.AMBER,
            agreement=sw.agreement,
        )
        services.item_share(
            actor=sw.paula,
            item=item,
            grantee_kind="organisation",
            grantee_id=sw.world.org.pk,
            reason="r",
            confirmed=True,
        )
    with django_assert_max_num_queries(14):
        r = c.get(reverse("infosharing:item-list"), {"q": "extra"})
    assert r.content.decode().count("Extra ") >= 30


def test_csv_export_query_budget(sw, client_for, django_assert_max_num_queries):
    services.agreement_acknowledge(actor=sw.mona, agreement=sw.agreement)
    c = client_for(sw.mona)
    with django_assert_max_num_queries(12):
        c.get(reverse("infosharing:item-export-csv"))
    for n in range(20):
        item = services.item_create(
            actor=sw.paula,
            title=f"Csv {n}",
            organisation=sw.police,
            category="Safeguarding",
            label=TLP.AMBER,
            agreement=sw.agreement,
        )
        services.item_share(
            actor=sw.paula,
            item=item,
            grantee_kind="organisation",
            grantee_id=sw.world.org.pk,
            reason="r",
            confirmed=True,
        )
    with django_assert_max_num_queries(12):
        body = c.get(reverse("infosharing:item-export-csv")).content.decode()
    assert body.count("Csv ") == 20


def test_a_cited_item_the_reader_may_not_open_shows_as_restricted(sw, client_for):
    citing = services.item_create(
        actor=sw.paula,
        title="Follow-up",
        organisation=sw.police,
        category="Safeguarding",
        label=TLP.AMBER,
        agreement=sw.agreement,
        cites=[sw.items[TLP.RED], sw.items[TLP.GREEN]],
    )
    services.item_share(
        actor=sw.paula, item=citing, grantee_kind="organisation", grantee_id=sw.world.org.pk, reason="r", confirmed=True
    )
    services.agreement_acknowledge(actor=sw.mona, agreement=sw.agreement)
    body = client_for(sw.mona).get(reverse("infosharing:item-detail", args=[citing.pk])).content.decode()
    assert "Restricted" in body and "Report GREEN" in body and "Report RED" not in body


def test_counts_and_dashboard_panel_only_count_what_the_rule_allows(sw, client_for):
    from infosharing import selectors

    assert selectors.label_counts(sw.nina) == {TLP.CLEAR: 1}
    assert selectors.label_counts(sw.mona) == {TLP.CLEAR: 1, TLP.GREEN: 1, TLP.AMBER: 1, TLP.AMBER_STRICT: 1}
    home = client_for(sw.mona).get("/").content.decode()
    assert "Newly shared with me" in home and sw.items[TLP.AMBER].reference in home
    assert sw.items[TLP.RED].reference not in home
    assert "Newly shared with me" not in client_for(sw.nina).get("/").content.decode()
