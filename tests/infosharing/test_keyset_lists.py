"""The information-sharing lists that grow with data page by keyset (core.pagination, ADR 0014):
agreements, access requests, an item's access log and training records, as pages and in the API.
Walking every page by its next links gives each row the user may see exactly once, in the list's
order, and nothing else; no ``OFFSET``, no ``COUNT``; the queries of a page do not grow with the rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from core.permissions import forget, visible
from infosharing import selectors, services
from infosharing.models import TLP, AccessLog, AccessRequest, SharingAgreement, TrainingRecord
from tests.infosharing.conftest import make_agreement
from tests.keyset import walk_api, walk_pages

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/information-items/"
LOG = AccessLog._meta.db_table
REQUESTS = AccessRequest._meta.db_table
AGREEMENTS = SharingAgreement._meta.db_table


def _ids(qs: Any) -> list[int]:
    return list(qs.values_list("pk", flat=True))


def _agreements(sw: Any, n: int, *, start: int = 0) -> None:
    """``n`` agreements the recipient organisation is party to (ties on the title), and one it is not."""
    for i in range(start, start + n):
        services.agreement_create(
            actor=sw.sana, **_terms(sw, f"Agreement {i % 4}", [(sw.police, "lead"), (sw.world.org, "recipient")])
        )
    services.agreement_create(actor=sw.sana, **_terms(sw, "Agreement 0", [(sw.police, "lead"), (sw.women, "both")]))


def _terms(sw: Any, title: str, parties: list[Any]) -> dict[str, Any]:
    return {
        "title": title,
        "purpose": "Safeguarding.",
        "summary": "Stays with the people named.",
        "categories": ["Safeguarding"],
        "lawful_basis": SharingAgreement.LawfulBasis.PUBLIC_TASK,
        "parties": parties,
        "disposal": "Deleted.",
        "security_measures": "Named access.",
        "rights_handling": "The data-protection officer.",
        "primary_user_roles": "Leads",
        "next_review": timezone.localdate() + timedelta(days=180),
        "max_tlp": TLP.AMBER,
    }


def _requests(sw: Any, n: int, *, start: int = 0) -> None:
    """Ollie asks for ``n`` new items of the police; Nina for the same ones (Ollie does not see hers)."""
    for i in range(start, start + n):
        item = services.item_create(
            actor=sw.paula, title=f"Note {i}", organisation=sw.police, category="Safeguarding", label=TLP.AMBER
        )
        services.access_request_ask(actor=sw.ollie, reference=item.reference, reason="case work")
        services.access_request_ask(actor=sw.nina, reference=item.reference, reason="my case")


def _log(sw: Any, n: int) -> None:
    item = sw.items[TLP.AMBER]
    for i in range(n):
        services.log_event(event=AccessLog.Event.VIEW, actor=sw.mona if i % 2 else sw.rita, item=item)
    services.log_event(event=AccessLog.Event.VIEW, actor=sw.mona, item=sw.items[TLP.GREEN])  # another item's


# --- agreements ------------------------------------------------------------------------------


def test_agreement_pages_walk_every_agreement_of_the_party_once(sw, client_for) -> None:  # type: ignore[no-untyped-def]
    _agreements(sw, 55)
    expected = _ids(selectors.agreements_visible_to(sw.mona))
    assert len(expected) == 56 and _ids(SharingAgreement.objects.filter(parties__organisation=sw.women)) != []
    hidden = set(_ids(SharingAgreement.objects.exclude(parties__organisation=sw.world.org)))
    url = reverse("infosharing:agreement-list")
    ids, counts, _links = walk_pages(
        client_for(sw.mona), url, lambda r: r.context["agreements"].object_list, table=AGREEMENTS
    )
    assert ids == expected and not hidden & set(ids)  # each once, by title, nothing of others
    assert len(counts) == 2 and counts[0] == counts[1]


def test_api_agreements_walk_every_visible_agreement_once(sw, api_for) -> None:  # type: ignore[no-untyped-def]
    _agreements(sw, 9)
    for user in (sw.mona, sw.ollie, sw.sana, sw.admin):
        expected = _ids(visible(user, SharingAgreement).order_by("title", "id"))
        ids, _counts = walk_api(api_for(user), "/api/v1/sharing-agreements/", {"page_size": 2}, table=AGREEMENTS)
        assert ids == expected, user
    by_title, _ = walk_api(
        api_for(sw.admin), "/api/v1/sharing-agreements/", {"page_size": 3, "ordering": "-title"}, table=AGREEMENTS
    )
    assert by_title == _ids(SharingAgreement.objects.order_by("-title", "-id"))


# --- access requests -------------------------------------------------------------------------


def test_request_pages_walk_mine_and_to_decide_each_once(sw, client_for) -> None:  # type: ignore[no-untyped-def]
    _requests(sw, 55)
    url = reverse("infosharing:request-list")
    mine = _ids(selectors.my_requests(sw.ollie))
    assert len(mine) == 55
    ids, _counts, links = walk_pages(
        client_for(sw.ollie), url, lambda r: r.context["mine"].object_list, param="mine", table=REQUESTS
    )
    assert ids == mine and links
    assert (
        walk_pages(
            client_for(sw.ollie), url, lambda r: r.context["to_decide"].object_list, param="decide", table=REQUESTS
        )[0]
        == []
    )
    to_decide = _ids(selectors.requests_to_decide(sw.sana))
    assert len(to_decide) == 110
    ids, counts, _links = walk_pages(
        client_for(sw.sana), url, lambda r: r.context["to_decide"].object_list, param="decide", table=REQUESTS
    )
    assert ids == to_decide and len(counts) == 5 and len(set(counts)) == 1


def test_api_requests_walk_every_visible_request_once(sw, api_for) -> None:  # type: ignore[no-untyped-def]
    _requests(sw, 6)
    for user in (sw.ollie, sw.nina, sw.sana, sw.mona):
        expected = _ids(visible(user, AccessRequest).order_by("-created_at", "-id"))
        ids, _counts = walk_api(api_for(user), "/api/v1/access-requests/", {"page_size": 4}, table=REQUESTS)
        assert ids == expected, user
    item = AccessRequest.objects.filter(requester=sw.ollie).first().item  # type: ignore[union-attr]
    ids, _counts = walk_api(api_for(sw.sana), f"{ITEMS}{item.pk}/access-requests/", {"page_size": 1}, table=REQUESTS)
    assert ids == _ids(AccessRequest.objects.filter(item=item).order_by("-created_at", "-id")) and len(ids) == 2


# --- the access log --------------------------------------------------------------------------


def test_access_log_pages_walk_every_entry_of_the_item_once(sw, client_for) -> None:  # type: ignore[no-untyped-def]
    _log(sw, 230)
    item = sw.items[TLP.AMBER]
    expected = _ids(AccessLog.objects.filter(item=item).order_by("-at", "-id"))
    url = reverse("infosharing:item-log", args=[item.pk])
    for user in (sw.paula, sw.sana):
        ids, counts, _links = walk_pages(client_for(user), url, lambda r: r.context["entries"].object_list, table=LOG)
        assert ids == expected and len(counts) == 3
    assert client_for(sw.mona).get(url).status_code == 404


def test_api_access_log_walks_every_entry_once(sw, api_for) -> None:  # type: ignore[no-untyped-def]
    _log(sw, 23)
    item = sw.items[TLP.AMBER]
    expected = _ids(AccessLog.objects.filter(item=item).order_by("-at", "-id"))
    ids, counts = walk_api(api_for(sw.paula), f"{ITEMS}{item.pk}/access-log/", {"page_size": 5}, table=LOG)
    assert ids == expected and len(counts) == 5
    first = api_for(sw.paula).get(f"{ITEMS}{item.pk}/access-log/", {"page_size": 5}).json()
    second = api_for(sw.paula).get(first["next"]).json()
    assert api_for(sw.paula).get(second["previous"]).json()["results"] == first["results"]
    assert api_for(sw.mona).get(f"{ITEMS}{item.pk}/access-log/").status_code == 404


# --- training --------------------------------------------------------------------------------


def test_training_pages_walk_every_record_once(sw, client_for) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for i in range(60):
        services.training_record(
            actor=sw.sana,
            user=sw.mona if i % 2 else sw.ollie,
            completed_on=today - timedelta(days=i % 5),
            course=f"Course {i}",
        )
    expected = _ids(selectors.training_records_visible_to(sw.sana))
    assert expected and set(expected) <= set(_ids(TrainingRecord.objects.all()))
    ids, counts, _links = walk_pages(
        client_for(sw.sana),
        reverse("infosharing:training"),
        lambda r: r.context["records"].object_list,
        table="training",
    )
    assert ids == expected and len(counts) == -(-len(expected) // 50)


# --- budgets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "url", "fill", "rows", "table"),
    [
        ("mona", "infosharing:agreement-list", _agreements, "agreements", AGREEMENTS),
        ("sana", "infosharing:request-list", _requests, "to_decide", REQUESTS),
    ],
)
def test_page_queries_do_not_grow_with_the_rows(sw, client_for, who, url, fill, rows, table) -> None:  # type: ignore[no-untyped-def]
    user = getattr(sw, who)

    def queries() -> list[int]:
        forget(user)
        return walk_pages(
            client_for(user),
            reverse(url),
            lambda r: r.context[rows].object_list,
            table=table,
            param="decide" if rows == "to_decide" else "cursor",
        )[1]

    fill(sw, 3)
    small = queries()
    fill(sw, 60, start=3)
    large = queries()
    assert len(large) > len(small) and max(large) == max(small)


def test_log_and_api_queries_do_not_grow_with_the_rows(sw, client_for, api_for) -> None:  # type: ignore[no-untyped-def]
    item = sw.items[TLP.AMBER]

    def queries() -> tuple[int, int]:
        forget(sw.paula)
        page = walk_pages(
            client_for(sw.paula),
            reverse("infosharing:item-log", args=[item.pk]),
            lambda r: r.context["entries"].object_list,
            table=LOG,
        )[1]
        api = walk_api(api_for(sw.paula), f"{ITEMS}{item.pk}/access-log/", {"page_size": 10}, table=LOG)[1]
        return max(page), max(api)

    _log(sw, 3)
    small = queries()
    _log(sw, 150)
    assert queries() == small


def test_a_stale_cursor_on_a_page_gives_the_first_page(sw, client_for) -> None:  # type: ignore[no-untyped-def]
    make_agreement(sw, title="Another")
    page = client_for(sw.mona).get(reverse("infosharing:agreement-list"), {"cursor": "not-a-cursor"})
    assert page.status_code == 200 and [a.title for a in page.context["agreements"]] == [
        "Another",
        "Harbour safeguarding",
    ]


# --- who can see what ------------------------------------------------------------------------


def test_oversight_pages_walk_everything_the_organisation_can_open_once(sw, client_for) -> None:  # type: ignore[no-untyped-def]
    for i in range(80):
        item = services.item_create(
            actor=sw.paula,
            title=f"Brief {i}",
            organisation=sw.police,
            category="Safeguarding",
            label=TLP.AMBER,
            agreement=sw.agreement,
        )
        services.item_share(
            actor=sw.paula,
            item=item,
            grantee_kind="organisation",
            grantee_id=(sw.world.org if i % 3 else sw.women).pk,
            reason="need to know",
            confirmed=True,
        )
    expected = _ids(selectors.grantee_visibility(sw.sana, kind="organisation", grantee_id=sw.world.org.pk))
    assert len(expected) > 50
    women = set(_ids(selectors.grantee_visibility(sw.sana, kind="organisation", grantee_id=sw.women.pk)))
    only_women = women - set(expected)
    assert only_women
    ids, counts, links = walk_pages(
        client_for(sw.sana),
        reverse("infosharing:oversight"),
        lambda r: r.context["rows"].object_list,
        query=f"organisation={sw.world.org.pk}",
        table="infosharing_informationitem",
    )
    assert ids == expected and not only_women & set(ids) and len(counts) == 2
    assert links and all(f"organisation={sw.world.org.pk}" in link for link in links)
    assert client_for(sw.mona).get(reverse("infosharing:oversight")).status_code == 403


@pytest.mark.parametrize(
    ("who", "url", "fill", "table"),
    [
        ("mona", "/api/v1/sharing-agreements/", _agreements, AGREEMENTS),
        ("sana", "/api/v1/access-requests/", _requests, REQUESTS),
        ("ollie", "/api/v1/access-requests/", _requests, REQUESTS),
    ],
)
def test_api_queries_do_not_grow_with_the_rows(sw, api_for, who, url, fill, table) -> None:  # type: ignore[no-untyped-def]
    user = getattr(sw, who)

    def queries() -> list[int]:
        forget(user)
        return walk_api(api_for(user), url, {"page_size": 4}, table=table)[1]

    fill(sw, 3)
    small = queries()
    fill(sw, 20, start=3)
    large = queries()
    assert len(large) > len(small) and max(large) == max(small)


def test_training_and_oversight_queries_do_not_grow_with_the_rows(sw, client_for) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()

    def fill(n: int) -> None:
        for i in range(n):
            services.training_record(actor=sw.sana, user=sw.mona, completed_on=today, course=f"Course {i}")
            item = services.item_create(
                actor=sw.paula,
                title=f"Brief {i}",
                organisation=sw.police,
                category="Safeguarding",
                label=TLP.GREEN,
                agreement=sw.agreement,
            )
            services.item_share(
                actor=sw.paula,
                item=item,
                grantee_kind="organisation",
                grantee_id=sw.world.org.pk,
                reason="need to know",
                confirmed=True,
            )

    def queries() -> tuple[int, int]:
        forget(sw.sana)
        training = walk_pages(
            client_for(sw.sana),
            reverse("infosharing:training"),
            lambda r: r.context["records"].object_list,
            table="training",
        )[1]
        oversight = walk_pages(
            client_for(sw.sana),
            reverse("infosharing:oversight"),
            lambda r: r.context["rows"].object_list,
            query=f"organisation={sw.world.org.pk}",
            table="infosharing_informationitem",
        )[1]
        return max(training), max(oversight)

    fill(2)
    small = queries()
    fill(60)
    assert queries() == small
