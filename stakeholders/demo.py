"""Demo registry drawn from the cases in the guide for cities (shared seed chapter):
Tangail's Town-Level Coordination Committee (Bangladesh), Kumanovo's Community Action Team
(North Macedonia), Kenya's County Engagement Forums, Sindh's apex committee over its 29 districts,
and New York City's interagency committee of 25+ agencies."""

from __future__ import annotations

from typing import Any

from core.models import User
from stakeholders import services
from stakeholders.models import Jurisdiction, JurisdictionRole, Organisation, OrganisationMembership, Sector

DEMO_PASSWORD = "roundtable-demo-2026"
L = Jurisdiction.Level
K = Organisation.Kind

SECTORS = [
    ("Local government", "local-government", False),
    ("Law enforcement", "law-enforcement", True),
    ("Justice and corrections", "justice", True),
    ("Education", "education", False),
    ("Health and mental health", "health", False),
    ("Social services", "social-services", False),
    ("Youth", "youth", False),
    ("Women and gender equality", "women", False),
    ("Faith and religious communities", "faith", False),
    ("Civil society", "civil-society", False),
    ("Sport and culture", "sport-culture", False),
    ("Private sector", "private-sector", False),
    ("Housing", "housing", False),
    ("Parks and recreation", "parks", False),
    ("Community engagement", "community-engagement", False),
    ("Media", "media", False),
]

SINDH_DISTRICTS = [
    "Karachi Central", "Karachi East", "Karachi South", "Karachi West", "Korangi", "Malir", "Hyderabad", "Badin",
    "Dadu", "Jamshoro", "Matiari", "Tando Allahyar", "Tando Muhammad Khan", "Thatta", "Sujawal", "Mirpurkhas",
    "Umerkot", "Tharparkar", "Sanghar", "Shaheed Benazirabad", "Naushahro Feroze", "Larkana", "Qambar Shahdadkot",
    "Shikarpur", "Jacobabad", "Kashmore", "Sukkur", "Khairpur", "Ghotki",
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
                actor=admin, name=name, code=code, level=level,
                parent=jurisdictions[parent] if parent else None, population=population,
            )

    existing = {(o.name, o.jurisdiction_id) for o in Organisation.objects.all()}
    organisations = {}
    for name, acronym, sector, kind, jcode in ORGANISATIONS:
        j = jurisdictions[jcode]
        if (name, j.pk) not in existing:
            services.organisation_create(
                actor=admin, name=name, acronym=acronym, sector=sectors[sector], kind=kind, jurisdiction=j,
                description="",
            )
    organisations = {o.name: o for o in Organisation.objects.all()}
    nypd = organisations["New York City Police Department"]
    hctf = organisations["NYPD Hate Crime Task Force"]
    if hctf.parent_id != nypd.pk:
        services.organisation_update(actor=admin, organisation=hctf, parent=nypd)

    roles = [
        ("coordinator.tangail@roundtable.example.org", "BD-63", JurisdictionRole.Role.COORDINATOR),
        ("liaison.bangladesh@roundtable.example.org", "BD", JurisdictionRole.Role.LIAISON),
        ("coordinator.nyc@roundtable.example.org", "US-NY-NYC", JurisdictionRole.Role.COORDINATOR),
        ("coordinator.sindh@roundtable.example.org", "PK-SD", JurisdictionRole.Role.COORDINATOR),
    ]
    for email, jcode, role in roles:
        held = JurisdictionRole.objects.filter(user=users[email], jurisdiction=jurisdictions[jcode], role=role)
        if not held.exists():
            services.jurisdiction_role_grant(actor=admin, user=users[email], jurisdiction=jurisdictions[jcode],
                                             role=role, reason="Demo data")
    twdf = organisations["Tangail Women's Development Forum"]
    for email, role in [
        ("orgadmin.twdf@roundtable.example.org", OrganisationMembership.Role.ADMIN),
        ("member.twdf@roundtable.example.org", OrganisationMembership.Role.MEMBER),
    ]:
        if not OrganisationMembership.objects.filter(user=users[email], organisation=twdf).exists():
            services.organisation_membership_set(actor=admin, organisation=twdf, user=users[email], role=role,
                                                 reason="Demo data")
    return [(email, role) for email, _, role in USERS]
