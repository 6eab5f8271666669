"""Every seed city's language: the catalogues complete (the CI check), the user's language chosen
in the profile or the switcher and used for pages, e-mails and PDFs, the API answering by
Accept-Language, and right-to-left text isolated so that times and ranges never flip.

The per-language tests compare the output with the catalogue itself (the msgstr of a known msgid),
so they hold for any correct translation and fail while a language still shows English."""

from __future__ import annotations

import gettext
import io
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.html import escape
from pypdf import PdfReader

from core import i18n
from tests.coordination.factories import InvitationFactory, MeetingFactory
from tests.factories import PersonFactory, UserFactory

SHIPPED = ["ar", "bn", "es", "fr", "mk", "sq", "sw", "ur"]


def msgstr(code: str, msgid: str) -> str:
    """The catalogue's translation of ``msgid`` for ``code`` (fails clearly while it has none)."""
    _header, entries = i18n.parse_po(i18n.catalogue_path(code))
    entry = next((e for e in entries if e.msgid == msgid and e.msgctxt is None), None)
    assert entry is not None, f"{msgid!r} is not in the {code} catalogue"
    assert entry.translated and not entry.fuzzy, f"{msgid!r} has no translation in the {code} catalogue yet"
    return entry.msgstr[0]


def _pdf_text(body: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    # pypdf reads a reordered Bengali vowel sign back with a stray control character: drop those.
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    return unicodedata.normalize("NFKC", text)  # Arabic presentation forms back to letters


# --- the shipped languages and the CI check ---------------------------------------------------------


def test_the_seed_cities_languages_are_offered():
    assert [code for code, _name in settings.LANGUAGES] == ["en", *SHIPPED]
    assert i18n.shipped_languages() == SHIPPED


@pytest.mark.parametrize("code", SHIPPED)
def test_each_catalogue_has_its_languages_plural_forms_and_a_compiled_file(code):
    header, _entries = i18n.parse_po(i18n.catalogue_path(code))
    assert header["Language"] == code
    expected = {"ar": 6, "es": 3}.get(code, 2)
    assert f"nplurals={expected};" in header["Plural-Forms"]
    mo = i18n.catalogue_path(code).with_suffix(".mo")
    catalogue = gettext.GNUTranslations(mo.open("rb"))
    assert catalogue.info()["language"] == code


def test_the_ci_check_passes_every_shipped_language_complete(capsys):
    """The CI step (``manage.py i18n_check``): 100 % per language, nothing stale or unmarked."""
    call_command("i18n_check", "--limit", "5")
    out = capsys.readouterr().out
    for code in SHIPPED:
        assert f"\n{code} " in out and "100.0%" in out


def test_the_check_reports_untranslated_fuzzy_and_plural_problems(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    po = i18n.catalogue_path("ar")
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : '
        'n%100>=11 ? 4 : 5;\\n"\n\n'
        'msgid "Agenda"\nmsgstr "جدول الأعمال"\n\n'
        '#, fuzzy\nmsgid "Committee created"\nmsgstr "اللجان"\n\n'
        'msgid "Minutes"\nmsgstr ""\n\n'
        'msgid "%(n)s item"\nmsgid_plural "%(n)s items"\nmsgstr[0] "a"\nmsgstr[1] "b"\n',
        encoding="utf-8",
    )
    report = i18n.catalogue_report("ar")
    assert (report.total, report.translated) == (4, 1)
    assert report.fuzzy == ["Committee created"] and report.untranslated == ["Minutes"]
    assert any("2 plural forms, not 6" in p for p in report.problems)
    assert any(".mo is missing" in p for p in report.problems)
    mo = i18n.compile_catalogue(po)
    compiled = gettext.GNUTranslations(mo.open("rb"))
    assert compiled.gettext("Agenda") == "جدول الأعمال"
    assert compiled.gettext("Committee created") == "Committee created"  # a fuzzy guess never ships


def test_the_check_finds_strings_not_marked_for_translation(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(
        "{% load i18n %}<h1>{% translate 'Agenda' %}</h1>\n"
        "<p>Nothing planned yet.</p>\n"
        '<input placeholder="Search people" aria-label="{% translate \'Search\' %}">\n'
        "<p>{% blocktranslate %}Hello {{ name }}{% endblocktranslate %} · TLP:AMBER · CSV · {{ count }}</p>\n"
        "{# a comment in English #}<script>var x = 'English in code';</script>\n",
        encoding="utf-8",
    )
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "services.py").write_text(
        "from django.core.exceptions import ValidationError\n"
        "from django.utils.translation import gettext as _\n"
        "def f(ok):\n"
        "    if ok:\n"
        "        raise ValidationError({'name': 'Name it, please.'})\n"
        "    require(ok, _('You may not.'))\n"
        "    messages.success(request, 'Saved.')\n"
        "    raise ValidationError(_('Marked.'))\n",
        encoding="utf-8",
    )
    found = sorted((u.path, u.line, u.text) for u in i18n.unmarked_strings(tmp_path))
    assert found == [
        ("core/services.py", 5, "Name it, please."),
        ("core/services.py", 7, "Saved."),
        ("templates/page.html", 2, "Nothing planned yet."),
        ("templates/page.html", 3, "Search people"),
    ]


def test_the_project_has_no_unmarked_string():
    assert [str(u) for u in i18n.unmarked_strings()] == []


# --- the user's language ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_profile_language_chooses_the_pages_language(client):
    user = UserFactory(language="ur")
    client.force_login(user)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert b'<html lang="ur" dir="rtl">' in page.content
    assert b"bootstrap.rtl.min.css" in page.content


@pytest.mark.django_db
def test_the_switcher_saves_the_language_in_the_profile(client):
    user = UserFactory(language="")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "sq", "next": "/profile/"})
    assert response.status_code == 302 and response["Location"] == "/profile/"
    user.refresh_from_db()
    assert user.language == "sq"
    client.cookies.clear()
    client.force_login(user)  # a new browser: the profile, not the cookie, keeps the choice
    assert b'<html lang="sq" dir="ltr">' in client.get("/").content


@pytest.mark.django_db
def test_signed_out_visitors_switch_by_cookie_only(client):
    response = client.post("/i18n/setlang/", {"language": "bn", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert b'lang="bn"' in client.get("/accounts/login/").content


@pytest.mark.django_db
def test_the_api_answers_in_the_language_of_accept_language(client):
    user = UserFactory(language="ar")
    client.force_login(user)
    response = client.get("/api/v1/committees/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response["Content-Language"] == "fr"
    assert client.get("/api/v1/committees/")["Content-Language"] == "ar"  # no header: the profile's


# --- a form error, an e-mail and a PDF in each language ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("code", SHIPPED)
def test_a_form_error_comes_in_the_users_language(client, code):
    client.force_login(UserFactory(language=code))
    response = client.post("/profile/notifications/preferences/", {"time_zone": "Mars/Olympus", "language": code})
    english = "This is not a known time zone. Write it like Europe/Skopje."
    text = response.content.decode()
    assert escape(msgstr(code, english)) in text
    assert escape(english) not in text


@pytest.mark.django_db
@pytest.mark.parametrize("code", SHIPPED)
def test_an_api_error_comes_in_the_language_of_accept_language(client, code):
    from tests.factories import JurisdictionFactory

    client.force_login(UserFactory(language=""))
    response = client.post(
        "/api/v1/committees/",
        {"name": "Kumanovo LPN", "kind": "lpn", "jurisdiction": JurisdictionFactory().pk},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=code,
    )
    assert response.status_code == 403 and response["Content-Language"] == code
    assert response.json()["detail"] == msgstr(code, "You may not create committees.")


@pytest.mark.django_db
@pytest.mark.parametrize("code", SHIPPED)
def test_an_invitation_comes_in_the_recipients_language(code):
    from coordination import mailing

    person = PersonFactory(full_name="Amina Rahman", user=UserFactory(language=code))
    invitation = InvitationFactory(person=person, meeting=MeetingFactory(title="Tangail TLCC"))
    message = mailing.invitation_message(invitation, invitation.meeting)
    assert message.language == code
    assert message.subject == msgstr(code, "Invitation: %(title)s") % {"title": "Tangail TLCC"}
    assert msgstr(code, "Dear %(name)s,") % {"name": "Amina Rahman"} in message.body
    assert "Dear Amina" not in message.body and "Invitation:" not in message.subject


@pytest.mark.django_db
@pytest.mark.parametrize("code", SHIPPED)
def test_the_agenda_pdf_comes_in_the_requesters_language(client, code):
    from django.urls import reverse

    admin = UserFactory(language=code, is_staff=True, is_superuser=True)
    meeting = MeetingFactory(title="Kumanovo LPN")
    client.force_login(admin)
    response = client.get(reverse("coordination:meeting-agenda-pdf", args=[meeting.pk]))
    assert response.status_code == 200
    text = _pdf_text(response.content)
    for word in unicodedata.normalize("NFKC", msgstr(code, "The agenda is empty.")).split():
        assert word.strip(".।") in text, (code, word)
    assert "The agenda is empty." not in text


# --- right to left --------------------------------------------------------------------------------


def test_a_time_range_is_isolated_in_its_own_order():
    start = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("UTC"))
    template = Template("{% load bidi %}{% when_range start end %}|{{ name|bdi }}|{{ n|bdi:'ltr' }}")
    with translation.override("ar"), timezone.override("UTC"):
        html = template.render(
            Context({"start": start, "end": start + timedelta(hours=2), "name": "Kumanovo", "n": 12})
        )
    assert '<bdi dir="ltr" class="rt-time-range">' in html
    assert html.index(">10:00</time>") < html.index(">12:00</time>")
    assert "|<bdi>Kumanovo</bdi>|" in html and '<bdi dir="ltr">12</bdi>' in html


def test_plain_text_isolates_ranges_only_in_right_to_left_languages():
    from core.bidi import time_range

    start = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override("ur"):
        assert time_range(start, start + timedelta(hours=2)) == "\u206610:00–12:00\u2069"
    with translation.override("fr"):
        assert time_range(start, start + timedelta(hours=2)) == "10:00–12:00"


def test_pdf_paragraphs_take_the_languages_direction():
    from coordination.pdf import _Document

    assert _Document(title="t", rtl=True).text_shaping["direction"].value == "RTL"
    assert _Document(title="t", rtl=False).text_shaping["direction"].value == "LTR"


def test_every_catalogue_file_is_in_the_repository():
    root = Path(settings.BASE_DIR)
    for code in SHIPPED:
        assert (root / "locale" / code / "LC_MESSAGES" / "django.po").exists()
        assert (root / "locale" / code / "LC_MESSAGES" / "django.mo").exists()
