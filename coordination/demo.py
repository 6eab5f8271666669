"""Demo committees drawn from the guide's chapter on coordination (shared seed): Tangail's
Town-Level Coordination Committee chaired by the mayor, Kumanovo's Community Action Team, the
Mombasa County Engagement Forum co-chaired by the County Commissioner and the Governor, Sindh's
Apex Committee with its permanent members, summoned officials and district committees, and New
York City's interagency committee of 25+ agencies. Each has a year of meetings with agendas,
attendance, minutes and decisions, written through the services. Idempotent: a committee that
exists is left as it is."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from coordination import services
from coordination.models import AgendaItem, Attendance, Committee, CommitteeMembership
from core.models import User
from stakeholders import services as registry
from stakeholders.demo import DEMO_PASSWORD, NYC_AGENCIES
from stakeholders.models import Jurisdiction, Organisation, Person, Sector

C = Committee.Kind
R = CommitteeMembership.Role
D = CommitteeMembership.Designation

LOGINS: list[tuple[str, str, str]] = [
    ("chair.tangail@roundtable.example.org", "Sirajul Haque", "Mayor of Tangail, chair of the TLCC"),
    (
        "cochair.mombasa@roundtable.example.org",
        "Abdulswamad Nassir",
        "Governor of Mombasa (elected), co-chair of the County Engagement Forum",
    ),
    ("chair.kumanovo@roundtable.example.org", "Elena Stojanovska", "chair of the Kumanovo Community Action Team"),
]

# (committee name, acronym, kind, jurisdiction code, secretariat, quorum, expected sector codes, remit, mandate)
COMMITTEES: list[dict[str, Any]] = [
    {
        "name": "Tangail Town-Level Coordination Committee",
        "acronym": "TLCC",
        "kind": C.TLCC,
        "jurisdiction": "BD-63-TGL",
        "secretariat": "Tangail Paurashava (Municipality)",
        "quorum": ("percent", 50),
        "sectors": [
            "local-government",
            "law-enforcement",
            "education",
            "social-services",
            "civil-society",
            "women",
            "youth",
            "faith",
            "health",
        ],
        "remit": "Headed by the mayor, the TLCC brings local government, education, law enforcement, social work, "
        "civil society and community members together to discuss issues facing the city, oversee projects "
        "and take up prevention; it elevates the voices of women and the impoverished.",
        "mandate": "Established by the Paurashava under the national framework for town-level coordination.\n\n"
        "The committee meets monthly, decides by consensus, and reports to the Paurashava council.",
        "rrule": "FREQ=MONTHLY;BYDAY=1TU;COUNT=12",
        "confidential_every": 6,
    },
    {
        "name": "Kumanovo Community Action Team",
        "acronym": "CAT",
        "kind": C.CAT,
        "jurisdiction": "MK-KU",
        "secretariat": "Municipality of Kumanovo",
        "quorum": ("count", 4),
        "sectors": ["local-government", "faith", "youth", "sport-culture", "education", "civil-society"],
        "remit": "A local government-led multi-stakeholder group that coordinates the implementation of the local "
        "prevention plan and builds its members' prevention capacities.",
        "mandate": "Created by the municipality with a mandate from the national government.",
        "rrule": "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15;COUNT=7",
        "confidential_every": 0,
    },
    {
        "name": "Mombasa County Engagement Forum",
        "acronym": "CEF",
        "kind": C.CEF,
        "jurisdiction": "KE-28",
        "secretariat": "Office of the Mombasa County Commissioner",
        "quorum": ("percent", 50),
        "sectors": [
            "local-government",
            "law-enforcement",
            "faith",
            "women",
            "youth",
            "community-engagement",
            "private-sector",
        ],
        "remit": "Steering committee for the County Action Plan on preventing violent extremism: coordinates its "
        "delivery and evaluation.",
        "mandate": "Co-chaired by the County Commissioner, appointed by the national government, and the elected "
        "County Governor.",
        "rrule": "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=20;COUNT=5",
        "confidential_every": 0,
    },
    {
        "name": "Sindh Apex Committee",
        "acronym": "Apex",
        "kind": C.APEX,
        "jurisdiction": "PK-SD",
        "secretariat": "Home Department, Government of Sindh",
        "quorum": ("count", 3),
        "sectors": ["local-government", "law-enforcement", "education", "women", "civil-society"],
        "remit": "Coordination and cooperation across the province and its 29 districts: information sharing, "
        "resource allocation, ameliorative action and collective decision making with lower tiers.",
        "mandate": "Has permanent members and summons officials as and when needed.",
        "rrule": "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=10;COUNT=5",
        "confidential_every": 2,
    },
    {
        "name": "New York City Interagency Committee on Hate Crimes Prevention",
        "acronym": "IAC",
        "kind": C.INTERAGENCY,
        "jurisdiction": "US-NY-NYC",
        "secretariat": "Office for the Prevention of Hate Crimes",
        "quorum": ("count", 10),
        "sectors": [
            "law-enforcement",
            "justice",
            "housing",
            "parks",
            "community-engagement",
            "education",
            "health",
            "youth",
        ],
        "remit": "Coordinates whole-of-city, community-led hate and extremism prevention across more than 25 city "
        "agencies, liaising with community-based organisations.",
        "mandate": "Overseen by the Office for the Prevention of Hate Crimes.",
        "rrule": "FREQ=MONTHLY;BYDAY=3TH;COUNT=12",
        "confidential_every": 0,
    },
]

# committee acronym -> [(person, organisation, role, designation, title, gender, youth, login email)]
MEMBERS: dict[str, list[tuple[str, str, str, str, str, str, bool | None, str]]] = {
    "TLCC": [
        (
            "Sirajul Haque",
            "Tangail Paurashava (Municipality)",
            R.CHAIR,
            D.ELECTED,
            "Mayor",
            "man",
            False,
            "chair.tangail@roundtable.example.org",
        ),
        ("Farhana Akter", "Tangail Paurashava (Municipality)", R.SECRETARY, D.CIVIL_SERVANT, "", "woman", False, ""),
        ("Abdul Karim", "Tangail District Police", R.MEMBER, D.CIVIL_SERVANT, "", "man", False, ""),
        (
            "Rafiqul Islam",
            "Tangail District Education Office",
            R.MEMBER,
            D.CIVIL_SERVANT,
            "District education officer",
            "man",
            False,
            "",
        ),
        (
            "Salma Khatun",
            "Tangail Social Services Office",
            R.MEMBER,
            D.CIVIL_SERVANT,
            "Social services officer",
            "woman",
            False,
            "",
        ),
        ("Nasrin Begum", "Tangail Women's Development Forum", R.PERMANENT, D.CIVIL_SOCIETY, "", "woman", False, ""),
        ("Rokeya Sultana", "Tangail Women's Development Forum", R.MEMBER, D.CIVIL_SOCIETY, "", "woman", True, ""),
        ("Shirin Akhter", "Tangail Youth Network", R.MEMBER, D.CIVIL_SOCIETY, "", "woman", True, ""),
        (
            "Maulana Abdur Rahim",
            "Islamic Foundation, Tangail District Office",
            R.MEMBER,
            D.COMMUNITY,
            "Imam",
            "man",
            False,
            "",
        ),
        ("Mahmudul Hasan", "Tangail Chamber of Commerce and Industry", R.OBSERVER, D.PRIVATE, "", "man", False, ""),
    ],
    "CAT": [
        (
            "Elena Stojanovska",
            "Municipality of Kumanovo",
            R.CHAIR,
            D.CIVIL_SERVANT,
            "",
            "woman",
            False,
            "chair.kumanovo@roundtable.example.org",
        ),
        ("Arben Ismaili", "Kumanovo Youth Council", R.MEMBER, D.CIVIL_SOCIETY, "", "man", True, ""),
        ("Marija Petrovska", "Kumanovo Teachers' Association", R.SECRETARY, D.CIVIL_SOCIETY, "", "woman", False, ""),
        ("Besnik Rexhepi", "FK Kumanovo Sports Club", R.MEMBER, D.COMMUNITY, "", "man", True, ""),
        (
            "Imam Fatmir Beqiri",
            "Islamic Religious Community, Kumanovo",
            R.MEMBER,
            D.COMMUNITY,
            "Imam",
            "man",
            False,
            "",
        ),
        (
            "Father Goran Nikolovski",
            "Macedonian Orthodox Church, Kumanovo-Osogovo Diocese",
            R.MEMBER,
            D.COMMUNITY,
            "Priest",
            "man",
            False,
            "",
        ),
        (
            "Ana Trajkovska",
            "Centre for Intercultural Dialogue",
            R.MEMBER,
            D.CIVIL_SOCIETY,
            "Programme manager",
            "woman",
            False,
            "",
        ),
        (
            "Dragan Jovanovski",
            "Kumanovo Police Station",
            R.OBSERVER,
            D.CIVIL_SERVANT,
            "Community policing officer",
            "man",
            False,
            "",
        ),
    ],
    "CEF": [
        (
            "Abdulswamad Nassir",
            "County Government of Mombasa",
            R.CO_CHAIR,
            D.ELECTED,
            "Governor",
            "man",
            False,
            "cochair.mombasa@roundtable.example.org",
        ),
        (
            "Rhoda Onyancha",
            "Office of the Mombasa County Commissioner",
            R.CO_CHAIR,
            D.NATIONAL_APPOINTEE,
            "County Commissioner",
            "woman",
            False,
            "",
        ),
        (
            "Joseph Mwangi",
            "Office of the Mombasa County Commissioner",
            R.SECRETARY,
            D.CIVIL_SERVANT,
            "",
            "man",
            False,
            "",
        ),
        (
            "Sheikh Mohamed Khalifa",
            "Council of Imams and Preachers of Kenya, Mombasa",
            R.MEMBER,
            D.COMMUNITY,
            "Organising secretary",
            "man",
            False,
            "",
        ),
        ("Amina Hassan", "Mombasa Women's Peace Network", R.MEMBER, D.CIVIL_SOCIETY, "", "woman", False, ""),
        ("Fatuma Said", "Coast Youth Empowerment Forum", R.MEMBER, D.CIVIL_SOCIETY, "", "woman", True, ""),
        ("Mzee Said Bakari", "Mombasa Traditional Elders Council", R.MEMBER, D.COMMUNITY, "Elder", "man", False, ""),
        (
            "Peter Otieno",
            "National Counter Terrorism Centre",
            R.OBSERVER,
            D.NATIONAL_APPOINTEE,
            "Regional coordinator",
            "man",
            False,
            "",
        ),
        ("Wanjiru Kamau", "Kenya Private Sector Alliance", R.MEMBER, D.PRIVATE, "Programme lead", "woman", True, ""),
    ],
    "Apex": [
        (
            "Syed Murad Ali Shah",
            "Home Department, Government of Sindh",
            R.CHAIR,
            D.ELECTED,
            "Chief Minister",
            "man",
            False,
            "",
        ),
        ("Sanaullah Memon", "Home Department, Government of Sindh", R.SECRETARY, D.CIVIL_SERVANT, "", "man", False, ""),
        (
            "Ghulam Nabi Memon",
            "Sindh Police",
            R.PERMANENT,
            D.CIVIL_SERVANT,
            "Inspector General of Police",
            "man",
            False,
            "",
        ),
        (
            "Zahida Parveen",
            "School Education and Literacy Department, Sindh",
            R.PERMANENT,
            D.CIVIL_SERVANT,
            "Secretary of Education",
            "woman",
            False,
            "",
        ),
        (
            "Ayesha Khan",
            "Sindh Commission on the Status of Women",
            R.PERMANENT,
            D.CIVIL_SOCIETY,
            "",
            "woman",
            False,
            "",
        ),
    ],
}

# District committees under the Apex (a few of the 29): (district code, [(person, organisation, role, title,
# gender, youth)]). The officials the Apex summons sit on these, not on the Apex.
DISTRICTS: list[tuple[str, list[tuple[str, str, str, str, str, bool]]]] = [
    (
        "PK-SD-01",
        [
            ("Nadeem Rehman", "Karachi Central District Administration", R.CHAIR, "Deputy Commissioner", "man", False),
            ("Bilal Qureshi", "Karachi Youth Parliament", R.MEMBER, "Speaker", "man", True),
            ("Kamran Siddiqui", "Karachi Chamber of Commerce and Industry", R.MEMBER, "Vice-president", "man", False),
        ],
    ),
    (
        "PK-SD-07",
        [
            ("Farrukh Ali", "Hyderabad District Police", R.CHAIR, "Senior Superintendent of Police", "man", False),
            ("Imran Shaikh", "Hyderabad District Police", R.MEMBER, "Counter-terrorism officer", "man", False),
            ("Rubina Soomro", "Hyderabad Women's Welfare Association", R.MEMBER, "President", "woman", False),
        ],
    ),
    (
        "PK-SD-27",
        [
            ("Pir Abdul Sattar", "Sukkur Interfaith Harmony Committee", R.CHAIR, "Convenor", "man", False),
            ("Asif Mahar", "Sindh Police", R.MEMBER, "District liaison", "man", False),
        ],
    ),
    ("PK-SD-22", [("Sana Bhutto", "Larkana Youth Development Forum", R.CHAIR, "Director", "woman", True)]),
]

NYC_NAMES = [
    "Hassan Naveed",
    "Keechant Sewell",
    "Michael Alfieri",
    "Annabel Palma",
    "Kevin Moran",
    "Ashwin Vasan",
    "Lisa Bova-Hiatt",
    "Sue Donoghue",
    "Keith Howard",
    "Fred Kreizman",
    "Deanna Logan",
    "Lynelle Maginley-Liddie",
    "Juanita Holmes",
    "Molly Park",
    "Joslyn Carter",
    "Laurie Cumbo",
    "Manuel Castro",
    "Lorraine Cortes-Vazquez",
    "Saloni Sethi",
    "Jacqueline Ebanks",
    "Sarah Sayeed",
    "Christina Curry",
    "James Hendon",
    "Zach Iscol",
    "Kevin Kim",
    "Felix Matos Rodriguez",
    "Adrienne Adams",
]

AGENDA: dict[str, list[str]] = {
    C.TLCC: [
        "Incidents and tensions reported in the wards",
        "Women's and youth voices: dialogue findings",
        "School outreach on hate speech online",
        "Project delivery and budget",
    ],
    C.CAT: [
        "Local prevention plan: implementation review",
        "Capacity building for members",
        "Mixed-community youth tournament",
        "Exchange with CATs in the region",
    ],
    C.CEF: [
        "County Action Plan: progress by pillar",
        "Reintegration support with religious leaders",
        "Women's and youth groups in the plan",
        "Private sector partners: job placement",
    ],
    C.APEX: [
        "Information sharing with district committees",
        "Resource allocation to districts",
        "Ameliorative action after incidents",
        "Reports of summoned officials",
    ],
    C.INTERAGENCY: [
        "Hate crime trends and response",
        "Community-based organisations: partnership round",
        "Schools and youth programmes",
        "Parks and public spaces: safety and outreach",
    ],
}
DECISIONS: dict[str, list[str]] = {
    C.TLCC: [
        "Hold ward dialogues with women's groups before the next meeting",
        "Ask the District Education Office to brief head teachers on online hate",
    ],
    C.CAT: [
        "Organise a teachers' workshop on polarisation in the classroom",
        "Invite a CAT from a neighbouring municipality to share practice",
    ],
    C.CEF: [
        "Publish the County Action Plan progress report",
        "Map youth groups in every sub-county for the plan's youth pillar",
    ],
    C.APEX: [
        "Share the quarterly threat picture with district committees",
        "Allocate small grants to district youth initiatives",
    ],
    C.INTERAGENCY: [
        "Set up a referral pathway from NYPD HCTF to DOHMH community mental health",
        "Run bystander training in three parks this summer",
    ],
}


def _login(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email, DEMO_PASSWORD, full_name=name)


def _person(
    admin: User, name: str, organisation: Organisation, title: str, gender: str, youth: bool | None, login: str
) -> Person:
    """The registry's person of that name (stakeholders' demo creates most of them), else a new one."""
    person = Person.objects.filter(full_name=name).first()
    consent = timezone.make_aware(datetime(2026, 1, 15, 12, 0))
    if person is None:
        user = _login(login, name) if login else None
        person = registry.person_create(
            actor=admin,
            organisation=organisation,
            title=title or "Committee member",
            start_date=date(2024, 1, 1),
            full_name=name,
            user=user,
            gender=gender,
            is_youth=youth,
            demographics_consent_at=consent,
        )
    elif login and person.user_id is None:
        registry.person_update(actor=admin, person=person, user=_login(login, name))
    return person


def _actor(committee: Committee, admin: User) -> User:
    """Minutes are written by the secretary when they have a login (so confidential minutes have a
    writer who attended), else by the admin."""
    secretary = (
        committee.memberships.filter(role=R.SECRETARY, person__user__isnull=False)
        .select_related("person__user")
        .first()
    )
    return secretary.person.user if secretary and secretary.person.user else admin


def _year_of_meetings(committee: Committee, admin: User, spec: dict[str, Any], summoned: list[Person]) -> None:
    today = timezone.localdate()
    first_month = (today.replace(day=1) - timedelta(days=30 * spec.get("months_ago", 10))).replace(day=1)
    start = timezone.make_aware(datetime(first_month.year, first_month.month, 1, 10, 0))
    first = services.meeting_schedule(
        actor=admin,
        committee=committee,
        title=f"{committee.acronym or committee.name} meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location=f"{committee.secretariat or committee.jurisdiction}",
        recurrence=spec["rrule"],
    )
    assert first.series is not None
    meetings = list(first.series.meetings.order_by("starts_at"))
    writer = _actor(committee, admin)
    seats = list(committee.memberships.select_related("person", "organisation"))
    members = [m.person for m in seats]
    represents = {m.person_id: m.organisation for m in seats}
    now = timezone.now()
    past = [m for m in meetings if m.ends_at < now]
    for n, meeting in enumerate(meetings):
        confidential = (
            bool(spec["confidential_every"]) and n % spec["confidential_every"] == spec["confidential_every"] - 1
        )
        if confidential:
            services.meeting_update(
                actor=admin, meeting=meeting, is_confidential=True, title=f"{meeting.title} (safe space)"
            )
        # The secretary keeps what the last approval carried over (proposals on this meeting).
        for proposal in meeting.agenda_items.filter(status=AgendaItem.Status.PROPOSED).order_by("id"):
            services.proposal_keep(actor=admin, item=proposal)
        for title in AGENDA.get(committee.kind, AGENDA[C.APEX])[: 3 + n % 2]:
            services.agenda_item_add(
                actor=admin,
                meeting=meeting,
                title=title,
                presenter=members[n % len(members)].full_name,
                duration_minutes=20,
            )
        if meeting not in past:
            continue
        if summoned and n % 2 == 0:
            for person in summoned:
                services.invitation_add(actor=admin, meeting=meeting, person=person)
        invited = [i.person for i in meeting.invitations.select_related("person")]
        entries = []
        for k, person in enumerate(invited):
            status = Attendance.Status.PRESENT
            if (k + n) % 7 == 3:
                status = Attendance.Status.APOLOGIES
            elif (k + n) % 11 == 5:
                status = Attendance.Status.ABSENT
            if writer.pk and person.user_id == writer.pk:
                status = Attendance.Status.PRESENT
            entries.append({"person": person, "status": status})
        services.attendance_record(actor=admin, meeting=meeting, entries=entries)
        meeting.refresh_from_db()
        for k, item in enumerate(meeting.agenda_items.order_by("order")):
            still_open = k == 1 and n % 3 == 0
            services.minutes_record(
                actor=writer,
                item=item,
                status="open" if still_open else "closed",
                minutes=f"<p>{item.presenter or 'The chair'} introduced the item. Members discussed "
                f"<strong>{item.title.lower()}</strong> and agreed next steps.</p>"
                "<ul><li>Partners reported on progress.</li><li>Questions were answered.</li></ul>",
            )
            if k == 0:
                text = DECISIONS.get(committee.kind, DECISIONS[C.APEX])[n % 2]
                owner = members[(n + 2) % len(members)]
                services.decision_record(
                    actor=writer,
                    item=item,
                    kind="action" if n % 2 else "decision",
                    text=text,
                    owner=owner,
                    owner_organisation=represents.get(owner.pk),
                    due_date=timezone.localtime(meeting.starts_at).date() + timedelta(days=45),
                    status="done" if n < len(past) - 3 else "open",
                )
            if k == 2:
                services.decision_record(
                    actor=writer, item=item, kind="information", text="The committee took note of the report."
                )
        if meeting != past[-1]:  # the latest meeting's minutes wait for approval
            services.minutes_approve(actor=writer, meeting=meeting, confirmed=True)
    # invitees with a login reply to the next meeting's invitation (some leave it for the demo)
    upcoming = [m for m in meetings if m.starts_at > now]
    if upcoming:
        # The secretariat has published the next meeting's agenda; later ones are still drafts.
        services.meeting_publish(actor=admin, meeting=upcoming[0])
        invitees = upcoming[0].invitations.filter(person__user__isnull=False).select_related("person__user")
        for k, invitation in enumerate(invitees):
            if k % 2 == 0 and invitation.person.user is not None:
                services.invitation_respond(actor=invitation.person.user, meeting=upcoming[0], response="accepted")


def _committee(admin: User, spec: dict[str, Any], parent: Committee | None = None) -> Committee | None:
    jurisdiction = Jurisdiction.objects.get(code=spec["jurisdiction"])
    if Committee.objects.filter(name=spec["name"], jurisdiction=jurisdiction).exists():
        return None
    rule, value = spec["quorum"]
    return services.committee_create(
        actor=admin,
        name=spec["name"],
        acronym=spec["acronym"],
        kind=spec["kind"],
        jurisdiction=jurisdiction,
        parent=parent,
        remit=spec["remit"],
        mandate=spec["mandate"],
        mandate_review_date=date(timezone.localdate().year + 1, 3, 31),
        secretariat=Organisation.objects.filter(name=spec["secretariat"]).first(),
        quorum_rule=rule,
        quorum_value=value,
        expected_sectors=list(Sector.objects.filter(code__in=spec["sectors"])),
    )


def seed() -> list[tuple[str, str]]:
    admin = User.objects.get(email="admin@roundtable.example.org")
    organisations = {o.name: o for o in Organisation.objects.all()}
    apex: Committee | None = None
    for spec in COMMITTEES:
        with transaction.atomic():
            committee = _committee(admin, spec)
            if committee is None:
                continue
            rows = MEMBERS.get(spec["acronym"], [])
            if spec["kind"] == C.INTERAGENCY:
                rows = [
                    (
                        "Hassan Naveed",
                        "Office for the Prevention of Hate Crimes",
                        R.CHAIR,
                        D.CIVIL_SERVANT,
                        "Executive director",
                        "man",
                        False,
                        "",
                    ),
                    (
                        "Maria Lopez",
                        "Office for the Prevention of Hate Crimes",
                        R.SECRETARY,
                        D.CIVIL_SERVANT,
                        "",
                        "woman",
                        False,
                        "",
                    ),
                ]
                rows += [
                    (name, agency[0], R.MEMBER, D.CIVIL_SERVANT, f"{agency[1]} liaison", "", None, "")
                    for name, agency in zip(NYC_NAMES[1:], NYC_AGENCIES[1:], strict=False)
                ]
            for name, org_name, role, designation, title, gender, youth, login in rows:
                organisation = organisations[org_name]
                person = _person(admin, name, organisation, title, gender, youth, login)
                services.membership_add(
                    actor=admin,
                    committee=committee,
                    person=person,
                    organisation=organisation,
                    role=role,
                    designation=designation,
                    start_date=date(2024, 1, 1),
                )
            summoned = []
            if spec["kind"] == C.APEX:
                apex = committee
                summoned = [
                    _person(
                        admin,
                        "Nadeem Rehman",
                        organisations["Karachi Central District Administration"],
                        "Deputy Commissioner, Karachi Central",
                        "man",
                        False,
                        "",
                    ),
                    _person(
                        admin,
                        "Farrukh Ali",
                        organisations["Hyderabad District Police"],
                        "Senior Superintendent of Police, Hyderabad",
                        "man",
                        False,
                        "",
                    ),
                ]
            _year_of_meetings(committee, admin, spec, summoned)
    apex = apex or Committee.objects.filter(kind=C.APEX, jurisdiction__code="PK-SD").first()
    if apex is not None:
        for code, seats in DISTRICTS:
            district = Jurisdiction.objects.get(code=code)
            name = f"{district.name} District Coordination Committee"
            with transaction.atomic():
                committee = _committee(
                    admin,
                    {
                        "name": name,
                        "acronym": "",
                        "kind": C.LPN,
                        "jurisdiction": code,
                        "secretariat": seats[0][1],
                        "quorum": ("none", None),
                        "sectors": ["local-government", "law-enforcement", "youth", "women"],
                        "remit": (
                            f"Coordination of prevention in {district.name} district; reports to the Apex Committee."
                        ),
                        "mandate": "Constituted by the Home Department under the Apex Committee.",
                    },
                    parent=apex,
                )
                if committee is None:
                    continue
                for person_name, org_name, role, title, gender, youth in seats:
                    organisation = organisations[org_name]
                    person = _person(admin, person_name, organisation, title, gender, youth, "")
                    services.membership_add(
                        actor=admin,
                        committee=committee,
                        person=person,
                        organisation=organisation,
                        role=role,
                        designation=D.CIVIL_SERVANT,
                    )
                _year_of_meetings(
                    committee,
                    admin,
                    {
                        "rrule": "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=25;COUNT=2",
                        "months_ago": 2,
                        "confidential_every": 0,
                    },
                    [],
                )
    return [(email, role) for email, _, role in LOGINS] + [
        ("coordinator.tangail@roundtable.example.org", "secretary of the Tangail TLCC"),
        ("member.twdf@roundtable.example.org", "member of the Tangail TLCC"),
    ]
