"""Demo information sharing between the demo cities' agencies (shared seed): an agreement between
Tangail's District Police, District Education Office and Women's Development Forum, another between
Tangail's and Mombasa's women's networks, a standard format for community-tension reports and items
at every TLP label, written through the services. Idempotent: an agreement that exists is kept."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coordination.models import Committee
from core.models import GranteeKind, User
from infosharing import services
from infosharing.models import TLP, InformationItem, SharingAdmin, SharingAgreement, Template
from stakeholders.demo import DEMO_PASSWORD
from stakeholders.models import Organisation, OrganisationMembership

POLICE = "Tangail District Police"
EDUCATION = "Tangail District Education Office"
TWDF = "Tangail Women's Development Forum"
MOMBASA = "Mombasa Women's Peace Network"

LOGINS: list[tuple[str, str, str, str, str]] = [
    # email, name, organisation, membership role ("" = none), described
    (
        "dpo.police.tangail@roundtable.example.org",
        "Shahana Parvin",
        POLICE,
        "",
        "sharing admin (data-protection lead), Tangail District Police",
    ),
    (
        "officer.police.tangail@roundtable.example.org",
        "Rafiqul Islam",
        POLICE,
        "member",
        "prevention officer, Tangail District Police (shares items)",
    ),
    (
        "officer.education.tangail@roundtable.example.org",
        "Mahmuda Khatun",
        EDUCATION,
        "member",
        "safeguarding lead, Tangail District Education Office",
    ),
    (
        "member.mombasa-women@roundtable.example.org",
        "Halima Said",
        MOMBASA,
        "member",
        "member, Mombasa Women's Peace Network",
    ),
]

TEMPLATE_FIELDS = [
    {"name": "location", "label": "Location", "type": "text", "required": True, "help": "Ward, street or venue."},
    {"name": "observed_on", "label": "Observed on", "type": "date", "required": True},
    {"name": "people_involved", "label": "People involved", "type": "integer", "required": False},
    {
        "name": "kind",
        "label": "Kind of tension",
        "type": "choice",
        "required": True,
        "choices": ["hate speech", "online propaganda", "recruitment attempt", "intercommunal dispute"],
    },
]


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
    return user


def seed() -> list[tuple[str, str]]:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    orgs = {o.name: o for o in Organisation.objects.filter(name__in=[POLICE, EDUCATION, TWDF, MOMBASA])}
    if admin is None or len(orgs) < 4:
        return []
    users: dict[str, User] = {}
    for email, name, org_name, role, _described in LOGINS:
        user = users[email] = _user(email, name)
        if role and not OrganisationMembership.objects.filter(user=user, organisation=orgs[org_name]).exists():
            OrganisationMembership.objects.create(user=user, organisation=orgs[org_name], role=role)
    dpo = users[LOGINS[0][0]]
    officer = users[LOGINS[1][0]]
    if not SharingAdmin.objects.filter(user=dpo, organisation=orgs[POLICE]).exists():
        services.sharing_admin_appoint(actor=admin, user=dpo, organisation=orgs[POLICE], reason="Data-protection lead")
    if not SharingAdmin.objects.filter(user=dpo, organisation=orgs[TWDF]).exists():
        services.sharing_admin_appoint(
            actor=admin, user=dpo, organisation=orgs[TWDF], reason="Shared data-protection lead for the exchange"
        )
    twdf_member = User.objects.filter(email="member.twdf@roundtable.example.org").first()
    logins = [(email, described) for email, _n, _o, _r, described in LOGINS]
    if SharingAgreement.objects.filter(title="Tangail safeguarding and prevention").exists():
        return logins

    template = Template.objects.filter(name="Community tension report").first() or services.template_define(
        actor=dpo,
        name="Community tension report",
        description="The standard format the Tangail agencies agreed for reporting community tension.",
        fields=TEMPLATE_FIELDS,
    )
    today = timezone.localdate()
    tlcc = Committee.objects.filter(name="Tangail Town-Level Coordination Committee").first()
    tangail = services.agreement_create(
        actor=dpo,
        title="Tangail safeguarding and prevention",
        purpose="Share what the police, schools and the women's forum learn about community tension and "
        "attempts to recruit young people, so that each can act early and in step.",
        summary="You may read what is shared with you here to protect people at risk. Keep it to the people "
        "named; do not copy it elsewhere. Items are erased after one year. Ask the police data-protection lead "
        "if in doubt.",
        categories=["Community tension", "Safeguarding", "Public advisory"],
        lawful_basis=SharingAgreement.LawfulBasis.PUBLIC_TASK,
        parties=[(orgs[POLICE], "lead"), (orgs[EDUCATION], "both"), (orgs[TWDF], "both")],
        disposal="Erased from the portal at the end of retention; printed copies shredded.",
        security_measures="Named access only; every view and download logged; TLP labels on every page.",
        rights_handling="Requests from individuals go to the police data-protection lead, answered within a month.",
        primary_user_roles="Prevention officers, school safeguarding leads, the women's forum's caseworkers.",
        next_review=today + timedelta(days=180),
        max_tlp=TLP.RED,
        retention_days=365,
        client_committees=[tlcc] if tlcc else [],
    )
    exchange = services.agreement_create(
        actor=dpo,
        title="Tangail and Mombasa women's networks exchange",
        purpose="Exchange practice on engaging women in prevention between Tangail and Mombasa.",
        summary="Practice notes for the two women's networks; nothing about individuals.",
        categories=["Practice notes"],
        lawful_basis=SharingAgreement.LawfulBasis.LEGITIMATE_INTERESTS,
        parties=[(orgs[TWDF], "both"), (orgs[MOMBASA], "both")],
        disposal="Erased at the end of retention.",
        security_measures="Access log.",
        rights_handling="No personal data is exchanged.",
        primary_user_roles="Programme staff of both networks.",
        next_review=today + timedelta(days=365),
        max_tlp=TLP.GREEN,
    )
    for agreement in (tangail, exchange):
        for party in agreement.parties.select_related("organisation"):
            services.agreement_sign(
                actor=dpo,
                agreement=agreement,
                organisation=party.organisation,
                name=f"Head of {party.organisation.name}",
                position="Director",
                signed_on=today - timedelta(days=30),
            )
        services.agreement_activate(actor=dpo, agreement=agreement)

    def item(label: str, title: str, facts: str, opinion: str, kind: str) -> InformationItem:
        return services.item_create(
            actor=officer,
            title=title,
            organisation=orgs[POLICE],
            category="Community tension",
            label=label,
            template=template,
            agreement=tangail,
            facts=facts,
            opinion=opinion,
            values={"location": "Tangail Ward 2", "observed_on": (today - timedelta(days=3)).isoformat(), "kind": kind},
        )

    def share(it: InformationItem, kind: str, gid: int, reason: str) -> None:
        services.item_share(actor=officer, item=it, grantee_kind=kind, grantee_id=gid, reason=reason, confirmed=True)

    item(
        TLP.CLEAR,
        "Advisory: reporting online hate speech",
        "Where and how residents can report online hate speech.",
        "",
        "online propaganda",
    )
    green = item(
        TLP.GREEN,
        "Rise in leaflets near the bus stand",
        "Leaflets with divisive slogans found on three days.",
        "Likely one small group; no sign of violence.",
        "hate speech",
    )
    for org in (EDUCATION, TWDF):
        share(green, GranteeKind.ORGANISATION, orgs[org].pk, "Partners watch the same area")
    amber = item(
        TLP.AMBER,
        "Pupils approached outside a secondary school",
        "Two older men approached pupils after school and handed out a messaging-app link.",
        "Fits a recruitment pattern seen last year; the school should brief staff.",
        "recruitment attempt",
    )
    share(amber, GranteeKind.ORGANISATION, orgs[EDUCATION].pk, "The school's safeguarding lead acts on it")
    strict = item(
        TLP.AMBER_STRICT,
        "Tension between two market associations",
        "Dispute over stall allocation escalated to threats on 2 occasions.",
        "Mediation by the women's forum is advised.",
        "intercommunal dispute",
    )
    share(strict, GranteeKind.ORGANISATION, orgs[TWDF].pk, "The forum mediates")
    red = item(
        TLP.RED,
        "Named young person at risk",
        "A 17-year-old known to the forum was added to an extremist chat group.",
        "Immediate, discreet contact by the forum's caseworker.",
        "recruitment attempt",
    )
    if twdf_member is not None:
        share(red, GranteeKind.USER, twdf_member.pk, "Caseworker for the family")

    if twdf_member is not None:
        note = services.item_create(
            actor=twdf_member,
            title="Women's dialogue circles: what worked",
            organisation=orgs[TWDF],
            category="Practice notes",
            label=TLP.GREEN,
            agreement=exchange,
            facts="Monthly circles in two wards; attendance doubled when held after market hours.",
            opinion="Worth trying in Mombasa's Old Town.",
        )
        services.item_share(
            actor=twdf_member,
            item=note,
            grantee_kind=GranteeKind.ORGANISATION,
            grantee_id=orgs[MOMBASA].pk,
            reason="Exchange of practice",
            confirmed=True,
        )
    return logins
