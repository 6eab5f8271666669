"""Information-sharing personas, on top of the shared ``world`` (tests/conftest.py).

Organisations: ``police`` (Harbour Police, the originator's), ``world.org`` (Harbour Youth Forum,
the recipient), ``women`` (Harbour Women's Forum, another party), ``world.other_org`` (South Police,
not a party). The agreement "Harbour safeguarding" binds the first three.

* ``sana``    sharing admin of the police (no membership): configures, reads logs, no content
* ``paula``   originator (police member); ``pete`` police member without a grant
* ``mona``    member of the recipient organisation (granted); ``rita`` named TLP:RED recipient there
* ``ollie``   member of the other party; ``nina`` member of the non-party
* ``bob``     liaison above; ``admin`` platform admin; ``alice`` coordinator; ``charlie`` outsider

``items`` holds one item per label, each shared as far as its label allows: GREEN to the community
(both other parties), AMBER and AMBER+STRICT to the youth forum, RED to rita by name.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from core.models import GranteeKind
from infosharing import services
from infosharing.models import TLP, SharingAdmin, SharingAgreement
from stakeholders.models import OrganisationMembership
from tests.factories import OrganisationFactory, OrganisationMembershipFactory, UserFactory


def member(org, email: str, name: str, role: str = OrganisationMembership.Role.MEMBER):  # type: ignore[no-untyped-def]
    user = UserFactory(email=email, full_name=name, last_login=timezone.now())
    OrganisationMembershipFactory(user=user, organisation=org, role=role)
    return user


def make_agreement(sw, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "title": "Harbour safeguarding",
        "purpose": "Safeguarding young people at risk of recruitment into violent extremism.",
        "summary": "What you read here stays with the people named. Do not forward it.",
        "categories": ["Safeguarding", "Community tension"],
        "lawful_basis": SharingAgreement.LawfulBasis.PUBLIC_TASK,
        "parties": [(sw.police, "lead"), (sw.world.org, "recipient"), (sw.women, "both")],
        "disposal": "Deleted at the end of retention.",
        "security_measures": "Named access only, access log.",
        "rights_handling": "Requests go to the police data-protection officer.",
        "primary_user_roles": "Safeguarding leads",
        "next_review": timezone.localdate() + timedelta(days=180),
        "max_tlp": TLP.RED,
    }
    data.update(overrides)
    agreement = services.agreement_create(actor=sw.sana, **data)
    for org, _role in data["parties"]:
        services.agreement_sign(
            actor=sw.sana,
            agreement=agreement,
            organisation=org,
            name="Signer",
            position="Director",
            signed_on=timezone.localdate(),
        )
    return agreement


@pytest.fixture
def sw(world, settings, tmp_path) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "infosharing": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    ns = SimpleNamespace(world=world, admin=world.admin, alice=world.alice, bob=world.bob, charlie=world.charlie)
    ns.police = OrganisationFactory(name="Harbour Police", sector=world.police, jurisdiction=world.city)
    ns.women = OrganisationFactory(name="Harbour Women's Forum", sector=world.civil, jurisdiction=world.city)
    ns.sana = UserFactory(email="sana@example.org", full_name="Sana Sharingadmin", last_login=timezone.now())
    SharingAdmin.objects.create(user=ns.sana, organisation=ns.police)
    ns.paula = member(ns.police, "paula@example.org", "Paula Originator")
    ns.pete = member(ns.police, "pete@example.org", "Pete Samehouse")
    ns.mona = world.mona
    ns.mona.last_login = timezone.now()
    ns.mona.save()
    ns.rita = member(world.org, "rita@example.org", "Rita Redreader")
    ns.ollie = member(ns.women, "ollie@example.org", "Ollie Otherparty")
    ns.nina = member(world.other_org, "nina@example.org", "Nina Nonparty")
    ns.agreement = make_agreement(ns)
    services.agreement_activate(actor=ns.sana, agreement=ns.agreement)
    ns.items = {}
    for label in TLP.values:
        item = services.item_create(
            actor=ns.paula,
            title=f"Report {label}",
            organisation=ns.police,
            category="Safeguarding",
            label=label,
            facts=f"secret facts {label}",
            opinion=f"secret opinion {label}",
            agreement=ns.agreement,
        )
        ns.items[label] = item
    share = lambda label, kind, gid: services.item_share(  # noqa: E731
        actor=ns.paula, item=ns.items[label], grantee_kind=kind, grantee_id=gid, reason="need to know", confirmed=True
    )
    share(TLP.GREEN, GranteeKind.ORGANISATION, world.org.pk)
    share(TLP.GREEN, GranteeKind.ORGANISATION, ns.women.pk)
    share(TLP.AMBER, GranteeKind.ORGANISATION, world.org.pk)
    share(TLP.AMBER_STRICT, GranteeKind.ORGANISATION, world.org.pk)
    share(TLP.RED, GranteeKind.USER, ns.rita.pk)
    return ns


#: Which labels each persona may open (the matrix of the issue).
EXPECTED = {
    "sana": {TLP.CLEAR},
    "paula": set(TLP.values),
    "pete": {TLP.CLEAR},
    "mona": {TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT},
    "rita": {TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED},
    "ollie": {TLP.CLEAR, TLP.GREEN},
    "nina": {TLP.CLEAR},
    "bob": {TLP.CLEAR},
    "admin": {TLP.CLEAR},
    "alice": {TLP.CLEAR},
    "charlie": {TLP.CLEAR},
}
