"""Demo registry drawn from the cases in the guide for cities (shared seed chapter):
Tangail's Town-Level Coordination Committee (Bangladesh), Kumanovo's Community Action Team
(North Macedonia), Kenya's County Engagement Forums, Sindh's apex committee over its 29 districts,
and New York City's interagency committee of 25+ agencies."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from core.models import User
from stakeholders import services
from stakeholders.models import (
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationMembership,
    Partnership,
    Person,
    ResourceOffer,
    Sector,
    StakeholderMapping,
)

DEMO_PASSWORD = "roundtable-demo-2026"
L = Jurisdiction.Level
K = Organisation.Kind

SECTORS = [
    (gettext_noop("Local government"), "local-government", False),
    (gettext_noop("Law enforcement"), "law-enforcement", True),
    (gettext_noop("Justice and corrections"), "justice", True),
    (gettext_noop("Education"), "education", False),
    (gettext_noop("Health and mental health"), "health", False),
    (gettext_noop("Social services"), "social-services", False),
    (gettext_noop("Youth"), "youth", False),
    (gettext_noop("Women and gender equality"), "women", False),
    (gettext_noop("Faith and religious communities"), "faith", False),
    (gettext_noop("Civil society"), "civil-society", False),
    (gettext_noop("Sport and culture"), "sport-culture", False),
    (gettext_noop("Private sector"), "private-sector", False),
    (gettext_noop("Housing"), "housing", False),
    (gettext_noop("Parks and recreation"), "parks", False),
    (gettext_noop("Community engagement"), "community-engagement", False),
    (gettext_noop("Media"), "media", False),
]

SINDH_DISTRICTS = [
    "Karachi Central",
    "Karachi East",
    "Karachi South",
    "Karachi West",
    "Korangi",
    "Malir",
    "Hyderabad",
    "Badin",
    "Dadu",
    "Jamshoro",
    "Matiari",
    "Tando Allahyar",
    "Tando Muhammad Khan",
    "Thatta",
    "Sujawal",
    "Mirpurkhas",
    "Umerkot",
    "Tharparkar",
    "Sanghar",
    "Shaheed Benazirabad",
    "Naushahro Feroze",
    "Larkana",
    "Qambar Shahdadkot",
    "Shikarpur",
    "Jacobabad",
    "Kashmore",
    "Sukkur",
    "Khairpur",
    "Ghotki",
]

# (code, name, level, parent code, population)
JURISDICTIONS: list[tuple[str, str, str, str | None, int | None]] = [
    ("BD", "Bangladesh", L.NATIONAL, None, 171_000_000),
    ("BD-C", "Dhaka Division", L.PROVINCE, "BD", 44_000_000),
    ("BD-63", "Tangail District", L.DISTRICT, "BD-C", 4_000_000),
    ("BD-63-TGL", "Tangail", L.CITY, "BD-63", 400_000),
    ("BD-63-TGL-W1", "Tangail Ward 1", L.WARD, "BD-63-TGL", None),
    ("BD-63-TGL-W2", "Tangail Ward 2", L.WARD, "BD-63-TGL", None),
    ("MK", "North Macedonia", L.NATIONAL, None, 1_830_000),
    ("MK-KU", "Kumanovo", L.CITY, "MK", 98_000),
    ("KE", "Kenya", L.NATIONAL, None, 52_000_000),
    ("KE-28", "Mombasa County", L.PROVINCE, "KE", 1_200_000),
    ("KE-19", "Kwale County", L.PROVINCE, "KE", 870_000),
    ("KE-07", "Garissa County", L.PROVINCE, "KE", 840_000),
    ("PK", "Pakistan", L.NATIONAL, None, 241_000_000),
    ("PK-SD", "Sindh", L.PROVINCE, "PK", 47_900_000),
    *[(f"PK-SD-{i:02d}", name, L.DISTRICT, "PK-SD", None) for i, name in enumerate(SINDH_DISTRICTS, start=1)],
    ("US", "United States", L.NATIONAL, None, 335_000_000),
    ("US-NY", "New York State", L.PROVINCE, "US", 19_500_000),
    ("US-NY-NYC", "New York City", L.CITY, "US-NY", 8_300_000),
    ("US-NY-NYC-MN", "Manhattan", L.WARD, "US-NY-NYC", 1_600_000),
    ("US-NY-NYC-BK", "Brooklyn", L.WARD, "US-NY-NYC", 2_600_000),
    ("US-NY-NYC-QN", "Queens", L.WARD, "US-NY-NYC", 2_300_000),
    ("US-NY-NYC-BX", "The Bronx", L.WARD, "US-NY-NYC", 1_400_000),
    ("US-NY-NYC-SI", "Staten Island", L.WARD, "US-NY-NYC", 490_000),
]

NYC_AGENCIES = [
    ("Office for the Prevention of Hate Crimes", "OPHC", "community-engagement", K.GOVERNMENT),
    ("New York City Police Department", "NYPD", "law-enforcement", K.LAW_ENFORCEMENT),
    ("NYPD Hate Crime Task Force", "HCTF", "law-enforcement", K.LAW_ENFORCEMENT),
    ("Commission on Human Rights", "CCHR", "community-engagement", K.GOVERNMENT),
    ("Department of Education", "DOE", "education", K.EDUCATION),
    ("Department of Health and Mental Hygiene", "DOHMH", "health", K.HEALTH),
    ("New York City Housing Authority", "NYCHA", "housing", K.GOVERNMENT),
    ("Department of Parks and Recreation", "NYC Parks", "parks", K.GOVERNMENT),
    ("Department of Youth and Community Development", "DYCD", "youth", K.GOVERNMENT),
    ("Mayor's Community Affairs Unit", "CAU", "community-engagement", K.GOVERNMENT),
    ("Mayor's Office of Criminal Justice", "MOCJ", "justice", K.GOVERNMENT),
    ("Department of Correction", "DOC", "justice", K.GOVERNMENT),
    ("Department of Probation", "DOP", "justice", K.GOVERNMENT),
    ("Department of Social Services", "DSS", "social-services", K.SOCIAL),
    ("Department of Homeless Services", "DHS", "social-services", K.SOCIAL),
    ("Department of Cultural Affairs", "DCLA", "sport-culture", K.GOVERNMENT),
    ("Mayor's Office of Immigrant Affairs", "MOIA", "community-engagement", K.GOVERNMENT),
    ("Department for the Aging", "NYC Aging", "social-services", K.GOVERNMENT),
    ("Mayor's Office to End Domestic and Gender-Based Violence", "ENDGBV", "women", K.GOVERNMENT),
    ("Commission on Gender Equity", "CGE", "women", K.GOVERNMENT),
    ("Civic Engagement Commission", "CEC", "community-engagement", K.GOVERNMENT),
    ("Mayor's Office for People with Disabilities", "MOPD", "social-services", K.GOVERNMENT),
    ("Department of Veterans' Services", "DVS", "social-services", K.GOVERNMENT),
    ("New York City Emergency Management", "NYCEM", "local-government", K.GOVERNMENT),
    ("Department of Small Business Services", "SBS", "private-sector", K.GOVERNMENT),
    ("City University of New York", "CUNY", "education", K.EDUCATION),
    ("Mayor's Public Engagement Unit", "PEU", "community-engagement", K.GOVERNMENT),
]

# (name, acronym, sector code, kind, jurisdiction code)
ORGANISATIONS: list[tuple[str, str, str, str, str]] = [
    ("Tangail Paurashava (Municipality)", "", "local-government", K.GOVERNMENT, "BD-63-TGL"),
    ("Tangail District Police", "", "law-enforcement", K.LAW_ENFORCEMENT, "BD-63"),
    ("Tangail District Education Office", "", "education", K.EDUCATION, "BD-63"),
    ("Tangail Social Services Office", "", "social-services", K.SOCIAL, "BD-63"),
    ("Tangail Women's Development Forum", "TWDF", "women", K.WOMEN, "BD-63-TGL"),
    ("Tangail Youth Network", "", "youth", K.YOUTH, "BD-63-TGL"),
    ("Islamic Foundation, Tangail District Office", "", "faith", K.FAITH, "BD-63"),
    ("Tangail Chamber of Commerce and Industry", "TCCI", "private-sector", K.PRIVATE, "BD-63-TGL"),
    ("Municipality of Kumanovo", "", "local-government", K.GOVERNMENT, "MK-KU"),
    ("Islamic Religious Community, Kumanovo", "", "faith", K.FAITH, "MK-KU"),
    ("Macedonian Orthodox Church, Kumanovo-Osogovo Diocese", "", "faith", K.FAITH, "MK-KU"),
    ("Kumanovo Youth Council", "", "youth", K.YOUTH, "MK-KU"),
    ("FK Kumanovo Sports Club", "", "sport-culture", K.COMMUNITY, "MK-KU"),
    ("Kumanovo Teachers' Association", "", "education", K.EDUCATION, "MK-KU"),
    ("Kumanovo Police Station", "", "law-enforcement", K.LAW_ENFORCEMENT, "MK-KU"),
    ("Centre for Intercultural Dialogue", "CID", "civil-society", K.CIVIL_SOCIETY, "MK-KU"),
    ("Office of the Mombasa County Commissioner", "", "law-enforcement", K.GOVERNMENT, "KE-28"),
    ("County Government of Mombasa", "", "local-government", K.GOVERNMENT, "KE-28"),
    ("Council of Imams and Preachers of Kenya, Mombasa", "CIPK", "faith", K.FAITH, "KE-28"),
    ("Mombasa Women's Peace Network", "", "women", K.WOMEN, "KE-28"),
    ("Coast Youth Empowerment Forum", "", "youth", K.YOUTH, "KE-28"),
    ("Mombasa Traditional Elders Council", "", "community-engagement", K.COMMUNITY, "KE-28"),
    ("Office of the Kwale County Commissioner", "", "law-enforcement", K.GOVERNMENT, "KE-19"),
    ("County Government of Kwale", "", "local-government", K.GOVERNMENT, "KE-19"),
    ("Office of the Garissa County Commissioner", "", "law-enforcement", K.GOVERNMENT, "KE-07"),
    ("County Government of Garissa", "", "local-government", K.GOVERNMENT, "KE-07"),
    ("National Counter Terrorism Centre", "NCTC", "law-enforcement", K.GOVERNMENT, "KE"),
    ("Home Department, Government of Sindh", "", "local-government", K.GOVERNMENT, "PK-SD"),
    ("Sindh Police", "", "law-enforcement", K.LAW_ENFORCEMENT, "PK-SD"),
    ("School Education and Literacy Department, Sindh", "", "education", K.EDUCATION, "PK-SD"),
    ("Sindh Commission on the Status of Women", "", "women", K.GOVERNMENT, "PK-SD"),
    *[(name, acr, sector, kind, "US-NY-NYC") for name, acr, sector, kind in NYC_AGENCIES],
    ("Arab American Association of New York", "", "civil-society", K.CIVIL_SOCIETY, "US-NY-NYC-BK"),
    ("Sikh Coalition", "", "faith", K.FAITH, "US-NY-NYC-QN"),
]

USERS: list[tuple[str, str, str]] = [
    ("admin@roundtable.example.org", "Amina Rahman", "platform admin"),
    ("coordinator.tangail@roundtable.example.org", "Farhana Akter", "coordinator of Tangail District"),
    ("liaison.bangladesh@roundtable.example.org", "Kamal Hossain", "national liaison, Bangladesh"),
    ("coordinator.nyc@roundtable.example.org", "Maria Lopez", "coordinator of New York City"),
    ("coordinator.sindh@roundtable.example.org", "Sanaullah Memon", "coordinator of Sindh province"),
    ("orgadmin.twdf@roundtable.example.org", "Nasrin Begum", "organisation admin, Tangail Women's Development Forum"),
    ("member.twdf@roundtable.example.org", "Rokeya Sultana", "organisation member, Tangail Women's Development Forum"),
    ("guest@roundtable.example.org", "Guest User", "signed in, no role"),
]


def _user(email: str, name: str, **extra: Any) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name, **extra)
    return user


def seed() -> list[tuple[str, str]]:
    admin = _user(USERS[0][0], USERS[0][1], is_staff=True, is_superuser=True)
    users = {email: _user(email, name) for email, name, _ in USERS[1:]}

    sectors = {}
    for name, code, security in SECTORS:
        sector = Sector.objects.filter(code=code).first() or services.sector_create(
            actor=admin, name=name, code=code, is_security=security
        )
        sectors[code] = sector

    jurisdictions: dict[str, Jurisdiction] = {j.code: j for j in Jurisdiction.objects.all()}
    for code, name, level, parent, population in JURISDICTIONS:
        if code not in jurisdictions:
            jurisdictions[code] = services.jurisdiction_create(
                actor=admin,
                name=name,
                code=code,
                level=level,
                parent=jurisdictions[parent] if parent else None,
                population=population,
            )

    existing = {(o.name, o.jurisdiction_id) for o in Organisation.objects.all()}
    for name, acronym, sector_code, kind, jcode in ORGANISATIONS:
        j = jurisdictions[jcode]
        if (name, j.pk) not in existing:
            services.organisation_create(
                actor=admin,
                name=name,
                acronym=acronym,
                sector=sectors[sector_code],
                kind=kind,
                jurisdiction=j,
                description="",
            )
    organisations = {o.name: o for o in Organisation.objects.all()}
    nypd = organisations["New York City Police Department"]
    hctf = organisations["NYPD Hate Crime Task Force"]
    if hctf.parent_id != nypd.pk:
        services.organisation_update(actor=admin, organisation=hctf, parent=nypd)

    roles: list[tuple[str, str, str]] = [
        ("coordinator.tangail@roundtable.example.org", "BD-63", JurisdictionRole.Role.COORDINATOR),
        ("liaison.bangladesh@roundtable.example.org", "BD", JurisdictionRole.Role.LIAISON),
        ("coordinator.nyc@roundtable.example.org", "US-NY-NYC", JurisdictionRole.Role.COORDINATOR),
        ("coordinator.sindh@roundtable.example.org", "PK-SD", JurisdictionRole.Role.COORDINATOR),
    ]
    for email, jcode, role in roles:
        held = JurisdictionRole.objects.filter(user=users[email], jurisdiction=jurisdictions[jcode], role=role)
        if not held.exists():
            services.jurisdiction_role_grant(
                actor=admin, user=users[email], jurisdiction=jurisdictions[jcode], role=role, reason="Demo data"
            )
    twdf = organisations["Tangail Women's Development Forum"]
    for email, member_role in [
        ("orgadmin.twdf@roundtable.example.org", OrganisationMembership.Role.ADMIN),
        ("member.twdf@roundtable.example.org", OrganisationMembership.Role.MEMBER),
    ]:
        if not OrganisationMembership.objects.filter(user=users[email], organisation=twdf).exists():
            services.organisation_membership_set(
                actor=admin, organisation=twdf, user=users[email], role=member_role, reason="Demo data"
            )
    seed_registry(admin)
    return [(email, role) for email, _, role in USERS]


# --- People, partnerships, stakeholder map, resource offers (issue #3) -------------------------

P = Partnership.Kind
E = StakeholderMapping.Engagement
R = ResourceOffer.Kind

# Organisations at district level (Sindh) and companies, so the heatmap and offers have something to show.
MORE_ORGANISATIONS: list[tuple[str, str, str, str, str]] = [
    ("Karachi Central District Administration", "", "local-government", K.GOVERNMENT, "PK-SD-01"),
    ("Karachi Youth Parliament", "", "youth", K.YOUTH, "PK-SD-01"),
    ("Karachi Chamber of Commerce and Industry", "KCCI", "private-sector", K.PRIVATE, "PK-SD-01"),
    ("Hyderabad District Police", "", "law-enforcement", K.LAW_ENFORCEMENT, "PK-SD-07"),
    ("Hyderabad Women's Welfare Association", "", "women", K.WOMEN, "PK-SD-07"),
    ("Sukkur Interfaith Harmony Committee", "", "faith", K.FAITH, "PK-SD-27"),
    ("Larkana Youth Development Forum", "", "youth", K.YOUTH, "PK-SD-22"),
    ("Kenya Private Sector Alliance", "KEPSA", "private-sector", K.PRIVATE, "KE"),
    ("Brooklyn Chamber of Commerce", "", "private-sector", K.PRIVATE, "US-NY-NYC-BK"),
    ("Kumanovo Chamber of Crafts and Commerce", "", "private-sector", K.PRIVATE, "MK-KU"),
]

# (full name, organisation, title, languages, expertise, email or "", demo login or "")
PEOPLE: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "Farhana Akter",
        "Tangail Paurashava (Municipality)",
        "Prevention coordinator",
        "Bengali, English",
        "Runs the secretariat of the Town-Level Coordination Committee.",
        "farhana.akter@example.org",
        "coordinator.tangail@roundtable.example.org",
    ),
    (
        "Nasrin Begum",
        "Tangail Women's Development Forum",
        "Executive director",
        "Bengali",
        "Women's participation in local decision-making.",
        "nasrin.begum@example.org",
        "orgadmin.twdf@roundtable.example.org",
    ),
    (
        "Rokeya Sultana",
        "Tangail Women's Development Forum",
        "Programme officer",
        "Bengali, English",
        "Community dialogues with women and girls.",
        "",
        "member.twdf@roundtable.example.org",
    ),
    (
        "Abdul Karim",
        "Tangail District Police",
        "Community policing officer",
        "Bengali",
        "Community policing forums in the wards.",
        "abdul.karim@example.org",
        "",
    ),
    (
        "Shirin Akhter",
        "Tangail Youth Network",
        "Network convenor",
        "Bengali, English",
        "Youth-led campaigns against hate speech online.",
        "shirin.akhter@example.org",
        "",
    ),
    (
        "Mahmudul Hasan",
        "Tangail Chamber of Commerce and Industry",
        "Secretary general",
        "Bengali, English",
        "Apprenticeships and vocational training with local employers.",
        "mahmudul.hasan@example.org",
        "",
    ),
    (
        "Elena Stojanovska",
        "Municipality of Kumanovo",
        "Community Action Team coordinator",
        "Macedonian, Albanian, English",
        "Local prevention plan; capacity building of CAT members.",
        "elena.stojanovska@example.org",
        "",
    ),
    ("Arben Ismaili", "Kumanovo Youth Council", "President", "Albanian, Macedonian", "Youth participation.", "", ""),
    (
        "Marija Petrovska",
        "Kumanovo Teachers' Association",
        "Chair",
        "Macedonian, English",
        "Teacher training on polarisation in the classroom.",
        "marija.petrovska@example.org",
        "",
    ),
    (
        "Besnik Rexhepi",
        "FK Kumanovo Sports Club",
        "Youth coach",
        "Albanian, Macedonian",
        "Mixed-community youth football.",
        "",
        "",
    ),
    (
        "Amina Hassan",
        "Mombasa Women's Peace Network",
        "Coordinator",
        "Swahili, English",
        "Women's groups in the County Engagement Forum.",
        "amina.hassan@example.org",
        "",
    ),
    (
        "Joseph Mwangi",
        "Office of the Mombasa County Commissioner",
        "County Engagement Forum secretary",
        "Swahili, English",
        "County Action Plan monitoring.",
        "joseph.mwangi@example.org",
        "",
    ),
    (
        "Fatuma Said",
        "Coast Youth Empowerment Forum",
        "Director",
        "Swahili, English",
        "Youth livelihoods and mentoring.",
        "",
        "",
    ),
    (
        "Sanaullah Memon",
        "Home Department, Government of Sindh",
        "Apex committee secretariat lead",
        "Sindhi, Urdu, English",
        "Coordination between the province and its 29 districts.",
        "sanaullah.memon@example.org",
        "coordinator.sindh@roundtable.example.org",
    ),
    (
        "Ayesha Khan",
        "Sindh Commission on the Status of Women",
        "Member",
        "Urdu, English",
        "Gender-responsive prevention.",
        "ayesha.khan@example.org",
        "",
    ),
    (
        "Maria Lopez",
        "Office for the Prevention of Hate Crimes",
        "Interagency coordinator",
        "English, Spanish",
        "Chairs the working level of the interagency committee of 25+ city agencies.",
        "maria.lopez@example.org",
        "coordinator.nyc@roundtable.example.org",
    ),
    (
        "David Cohen",
        "Department of Health and Mental Hygiene",
        "Director, community mental health",
        "English",
        "Mental health support for people affected by hate incidents.",
        "david.cohen@example.org",
        "",
    ),
    (
        "Sarah Ahmed",
        "Arab American Association of New York",
        "Youth programmes director",
        "Arabic, English",
        "Youth leadership and bystander training.",
        "sarah.ahmed@example.org",
        "",
    ),
    (
        "James O'Connor",
        "NYPD Hate Crime Task Force",
        "Community liaison officer",
        "English",
        "Liaison with community-based organisations after incidents.",
        "",
        "",
    ),
]

# (organisation, partner, kind, notes)
PARTNERSHIPS: list[tuple[str, str, str, str]] = [
    (
        "Office for the Prevention of Hate Crimes",
        "Department of Health and Mental Hygiene",
        P.REFERRAL,
        "People affected by hate incidents are referred to community mental health support.",
    ),
    (
        "NYPD Hate Crime Task Force",
        "Office for the Prevention of Hate Crimes",
        P.REFERRAL,
        "After an incident, victims who agree are referred to the Office for community-based support.",
    ),
    (
        "Office for the Prevention of Hate Crimes",
        "Commission on Human Rights",
        P.JOINT_PROGRAMME,
        "Joint community education on rights and reporting.",
    ),
    (
        "Office for the Prevention of Hate Crimes",
        "Arab American Association of New York",
        P.JOINT_PROGRAMME,
        "Community-based partner for prevention work in Brooklyn.",
    ),
    (
        "Department of Education",
        "Department of Youth and Community Development",
        P.REFERRAL,
        "Schools refer students to after-school and youth programmes.",
    ),
    (
        "Tangail Paurashava (Municipality)",
        "Tangail Women's Development Forum",
        P.MOU,
        "Women's voices in the Town-Level Coordination Committee.",
    ),
    (
        "Tangail Chamber of Commerce and Industry",
        "Tangail Youth Network",
        P.JOINT_PROGRAMME,
        "Apprenticeships with local employers for young people.",
    ),
    (
        "Tangail District Police",
        "Tangail Social Services Office",
        P.REFERRAL,
        "Young people at risk are referred to social workers rather than prosecuted.",
    ),
    (
        "Municipality of Kumanovo",
        "Centre for Intercultural Dialogue",
        P.JOINT_PROGRAMME,
        "Community Action Team capacity building.",
    ),
    ("Kumanovo Youth Council", "FK Kumanovo Sports Club", P.JOINT_PROGRAMME, "Mixed-community youth tournaments."),
    (
        "Islamic Religious Community, Kumanovo",
        "Macedonian Orthodox Church, Kumanovo-Osogovo Diocese",
        P.INFORMAL,
        "Interfaith dialogue between religious communities.",
    ),
    (
        "Office of the Mombasa County Commissioner",
        "County Government of Mombasa",
        P.MOU,
        "Co-chairs of the County Engagement Forum: the national appointee and the elected governor.",
    ),
    (
        "Council of Imams and Preachers of Kenya, Mombasa",
        "Mombasa Women's Peace Network",
        P.JOINT_PROGRAMME,
        "Religious leaders and women's groups in the County Action Plan.",
    ),
    ("Home Department, Government of Sindh", "Sindh Police", P.MOU, "Apex committee information sharing."),
]

# (jurisdiction code, organisation, influence, interest, engagement, primary, secondary, tertiary, services)
MAPPINGS: list[tuple[str, str, int, int, int, bool, bool, bool, str]] = [
    ("BD-63", "Tangail Paurashava (Municipality)", 5, 5, E.EMPOWER, True, True, False, "Chairs the TLCC."),
    ("BD-63", "Tangail District Police", 5, 3, E.COLLABORATE, False, True, True, "Community policing."),
    ("BD-63", "Tangail District Education Office", 4, 3, E.INVOLVE, True, False, False, "School programmes."),
    ("BD-63", "Tangail Social Services Office", 3, 4, E.COLLABORATE, False, True, True, "Social work, referrals."),
    ("BD-63", "Tangail Women's Development Forum", 2, 5, E.COLLABORATE, True, True, False, "Women's dialogues."),
    ("BD-63", "Tangail Youth Network", 2, 4, E.INVOLVE, True, False, False, "Youth campaigns."),
    ("BD-63", "Islamic Foundation, Tangail District Office", 4, 2, E.CONSULT, True, False, False, "Imam training."),
    (
        "BD-63",
        "Tangail Chamber of Commerce and Industry",
        3,
        2,
        E.INFORM,
        True,
        False,
        True,
        "Training places and apprenticeships.",
    ),
    ("MK-KU", "Municipality of Kumanovo", 5, 5, E.EMPOWER, True, True, False, "Leads the Community Action Team."),
    ("MK-KU", "Islamic Religious Community, Kumanovo", 4, 3, E.INVOLVE, True, False, False, "Religious leaders."),
    (
        "MK-KU",
        "Macedonian Orthodox Church, Kumanovo-Osogovo Diocese",
        4,
        2,
        E.CONSULT,
        True,
        False,
        False,
        "Religious leaders.",
    ),
    ("MK-KU", "Kumanovo Youth Council", 2, 5, E.COLLABORATE, True, False, False, "Youth participation."),
    ("MK-KU", "FK Kumanovo Sports Club", 2, 3, E.INVOLVE, True, False, False, "Sport for young people."),
    ("MK-KU", "Kumanovo Teachers' Association", 3, 4, E.COLLABORATE, True, True, False, "Teachers."),
    ("MK-KU", "Kumanovo Police Station", 4, 2, E.CONSULT, False, True, True, "Policing."),
    ("MK-KU", "Centre for Intercultural Dialogue", 2, 5, E.COLLABORATE, True, True, False, "Facilitation."),
    ("KE-28", "Office of the Mombasa County Commissioner", 5, 4, E.EMPOWER, False, True, True, "Co-chairs the CEF."),
    ("KE-28", "County Government of Mombasa", 5, 4, E.EMPOWER, True, True, False, "Co-chairs the CEF."),
    (
        "KE-28",
        "Council of Imams and Preachers of Kenya, Mombasa",
        4,
        4,
        E.COLLABORATE,
        True,
        True,
        True,
        "Religious leaders; reintegration support.",
    ),
    ("KE-28", "Mombasa Women's Peace Network", 2, 5, E.COLLABORATE, True, True, False, "Women's groups."),
    ("KE-28", "Coast Youth Empowerment Forum", 2, 4, E.INVOLVE, True, True, False, "Youth groups."),
    ("KE-28", "Mombasa Traditional Elders Council", 3, 3, E.CONSULT, True, False, True, "Traditional elders."),
    ("KE-28", "National Counter Terrorism Centre", 5, 3, E.CONSULT, False, True, True, "National guidance."),
    ("PK-SD", "Home Department, Government of Sindh", 5, 5, E.EMPOWER, True, True, True, "Runs the Apex committee."),
    ("PK-SD", "Sindh Police", 5, 3, E.COLLABORATE, False, True, True, "Policing."),
    ("PK-SD", "School Education and Literacy Department, Sindh", 4, 3, E.INVOLVE, True, False, False, "Schools."),
    ("PK-SD", "Sindh Commission on the Status of Women", 3, 5, E.COLLABORATE, True, True, False, "Women's rights."),
    ("PK-SD", "Karachi Central District Administration", 4, 3, E.INVOLVE, True, True, False, "District services."),
    ("PK-SD", "Karachi Youth Parliament", 2, 4, E.INVOLVE, True, False, False, "Youth voice."),
    ("PK-SD", "Hyderabad District Police", 4, 2, E.CONSULT, False, True, True, "District policing."),
    ("PK-SD", "Hyderabad Women's Welfare Association", 2, 4, E.COLLABORATE, True, True, False, "Women's groups."),
    ("PK-SD", "Sukkur Interfaith Harmony Committee", 3, 4, E.INVOLVE, True, False, False, "Interfaith dialogue."),
    (
        "US-NY-NYC",
        "Office for the Prevention of Hate Crimes",
        4,
        5,
        E.EMPOWER,
        True,
        True,
        False,
        "Coordinates the interagency committee.",
    ),
    ("US-NY-NYC", "New York City Police Department", 5, 3, E.COLLABORATE, False, True, True, "Policing."),
    ("US-NY-NYC", "NYPD Hate Crime Task Force", 4, 5, E.COLLABORATE, False, True, True, "Hate crime investigation."),
    ("US-NY-NYC", "Commission on Human Rights", 4, 4, E.COLLABORATE, True, True, False, "Rights enforcement."),
    ("US-NY-NYC", "Department of Education", 5, 3, E.INVOLVE, True, False, False, "Schools."),
    ("US-NY-NYC", "Department of Health and Mental Hygiene", 4, 3, E.INVOLVE, True, True, True, "Mental health."),
    ("US-NY-NYC", "New York City Housing Authority", 4, 2, E.CONSULT, True, False, False, "Housing."),
    ("US-NY-NYC", "Department of Parks and Recreation", 3, 2, E.INFORM, True, False, False, "Parks."),
    (
        "US-NY-NYC",
        "Department of Youth and Community Development",
        3,
        4,
        E.COLLABORATE,
        True,
        True,
        False,
        "Youth programmes.",
    ),
    (
        "US-NY-NYC",
        "Arab American Association of New York",
        2,
        5,
        E.COLLABORATE,
        True,
        True,
        False,
        "Community-based partner.",
    ),
    ("US-NY-NYC", "Sikh Coalition", 2, 5, E.INVOLVE, True, False, False, "Community-based partner."),
    ("US-NY-NYC", "Brooklyn Chamber of Commerce", 3, 2, E.INFORM, True, False, False, "Local employers."),
]

# (organisation, offered to, kind, title, quantity, unit, value, currency, status)
OFFERS: list[tuple[str, str, str, str, int | None, str, str | None, str, str]] = [
    (
        "Tangail Chamber of Commerce and Industry",
        "BD-63",
        R.TRAINING_PLACES,
        "Vocational training places for young people",
        40,
        "places",
        None,
        "",
        ResourceOffer.Status.OPEN,
    ),
    (
        "Tangail Chamber of Commerce and Industry",
        "BD-63",
        R.STAFF_TIME,
        "Mentoring by local employers",
        200,
        "hours",
        None,
        "",
        ResourceOffer.Status.AGREED,
    ),
    (
        "Kumanovo Chamber of Crafts and Commerce",
        "MK-KU",
        R.FACILITIES,
        "Meeting rooms for Community Action Team workshops",
        12,
        "sessions",
        None,
        "",
        ResourceOffer.Status.OPEN,
    ),
    (
        "FK Kumanovo Sports Club",
        "MK-KU",
        R.FACILITIES,
        "Pitch for mixed-community youth tournaments",
        6,
        "days",
        None,
        "",
        ResourceOffer.Status.OPEN,
    ),
    (
        "Kenya Private Sector Alliance",
        "KE-28",
        R.EXPERTISE,
        "Job placement and career guidance for youth groups",
        None,
        "",
        None,
        "",
        ResourceOffer.Status.OPEN,
    ),
    (
        "Karachi Chamber of Commerce and Industry",
        "PK-SD",
        R.MONEY,
        "Small grants for district youth initiatives",
        None,
        "",
        "2000000",
        "PKR",
        ResourceOffer.Status.OPEN,
    ),
    (
        "Brooklyn Chamber of Commerce",
        "US-NY-NYC",
        R.EXPERTISE,
        "Workplace training against discrimination for member businesses",
        10,
        "sessions",
        None,
        "",
        ResourceOffer.Status.OPEN,
    ),
    (
        "Brooklyn Chamber of Commerce",
        "US-NY-NYC",
        R.MONEY,
        "Sponsorship of a community dialogue series",
        None,
        "",
        "15000",
        "USD",
        ResourceOffer.Status.DELIVERED,
    ),
]


def seed_registry(admin: User) -> None:
    """People with positions, partnerships, the stakeholder map and resource offers. Idempotent."""
    from datetime import date, datetime
    from decimal import Decimal

    from django.utils import timezone

    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    sectors = {s.code: s for s in Sector.objects.all()}
    existing = {(o.name, o.jurisdiction_id) for o in Organisation.objects.all()}
    for name, acronym, sector, kind, jcode in MORE_ORGANISATIONS:
        if (name, jurisdictions[jcode].pk) not in existing:
            services.organisation_create(
                actor=admin,
                name=name,
                acronym=acronym,
                sector=sectors[sector],
                kind=kind,
                jurisdiction=jurisdictions[jcode],
                description="",
            )
    organisations = {o.name: o for o in Organisation.objects.all()}

    consent = timezone.make_aware(datetime(2026, 1, 15, 12, 0))
    known = set(Person.objects.values_list("full_name", flat=True))
    for full_name, org_name, title, languages, expertise, email, login in PEOPLE:
        if full_name in known:
            continue
        user = User.objects.filter(email=login).first() if login else None
        if user is not None and Person.objects.filter(user=user).exists():
            user = None
        services.person_create(
            actor=admin,
            organisation=organisations[org_name],
            title=title,
            start_date=date(2024, 1, 1),
            full_name=full_name,
            languages=languages,
            expertise=expertise,
            email=email,
            contact_consent_at=consent if email else None,
            user=user,
        )

    have = set(Partnership.objects.values_list("organisation__name", "partner__name", "kind"))
    for org_name, partner_name, kind, notes in PARTNERSHIPS:
        if (org_name, partner_name, kind) not in have:
            services.partnership_create(
                actor=admin,
                organisation=organisations[org_name],
                partner=organisations[partner_name],
                kind=kind,
                start_date=date(2024, 3, 1),
                notes=notes,
            )

    mapped = set(StakeholderMapping.objects.values_list("jurisdiction__code", "organisation__name"))
    for jcode, org_name, influence, interest, engagement, primary, secondary, tertiary, offered in MAPPINGS:
        if (jcode, org_name) not in mapped:
            services.mapping_create(
                actor=admin,
                jurisdiction=jurisdictions[jcode],
                organisation=organisations[org_name],
                influence=influence,
                interest=interest,
                engagement_level=engagement,
                prevention_primary=primary,
                prevention_secondary=secondary,
                prevention_tertiary=tertiary,
                services_offered=offered,
            )

    have_offers = set(ResourceOffer.objects.values_list("organisation__name", "title"))
    for org_name, jcode, kind, title, quantity, unit, value, currency, status in OFFERS:
        if (org_name, title) not in have_offers:
            services.offer_create(
                actor=admin,
                organisation=organisations[org_name],
                jurisdiction=jurisdictions[jcode],
                kind=kind,
                title=title,
                quantity=quantity,
                unit=unit,
                value=Decimal(value) if value else None,
                currency=currency,
                start_date=date(2026, 1, 1),
                end_date=date(2026, 12, 31),
                status=status,
            )
