"""Arabic and Urdu, chosen in the user's profile, on the main page of every app: the layout mirrors
(dir="rtl", the brand and headings on the right), no English is left outside names and codes, a
meeting's time range reads start to end inside its <bdi>, and axe-core finds nothing.

"No English" is checked against the page's visible text: what the test's own data put there (names,
titles, places, acronyms: the rows' free-text fields, never a choice or a sector, whose labels are
translated) and a short list of codes is removed first; any Latin word left is an untranslated
string. The assertion holds once the catalogues are complete and fails for each English string."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation
from playwright.sync_api import Page

from tests.actionplans.conftest import pw  # noqa: F401 - the action-plan personas and plan
from tests.browser.test_accessibility import harbour  # noqa: F401 - registry, committee, meetings

pytestmark = pytest.mark.django_db(transaction=True)

# Never translated: the product's name, TLP labels (FIRST's standard), standards and file formats,
# and each language's own name in the switcher.
CODES = [
    "Roundtable",
    "TLP:AMBER+STRICT",
    "TLP:AMBER",
    "TLP:GREEN",
    "TLP:CLEAR",
    "TLP:RED",
    "API",
    "CSV",
    "XLSX",
    "PDF",
    "ICS",
    "IATI",
    "JSON",
    "Popolo",
    "RAG",  # the red/amber/green rating, kept as the standard's letters
    "UTC",  # IANA time-zone names are identifiers (a meeting shows its committee's zone)
]
DATA_APPS = ("core", "stakeholders", "coordination", "actionplans", "infosharing")
NOT_NAMES = {("stakeholders", "sector")}  # reference data: shown translated
LATIN_WORD = re.compile(r"[^\W\d_]*[A-Za-z][^\W\d_'’-]*")  # a word with a Latin letter
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+")


def names_in_the_data() -> list[str]:
    """Every free-text value of the rows the test created (names, titles, places, acronyms, notes):
    CharFields and TextFields without choices, in the apps' models."""
    values: set[str] = set()
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in DATA_APPS or (meta.app_label, meta.model_name) in NOT_NAMES:
            continue
        fields = [
            f.name
            for f in meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name != "password"
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                values.update(str(v) for v in row if v)
    pieces = {piece.strip() for value in values for piece in re.split(r"<[^>]+>|\n", value)}
    # The navigation names the user by their first name (User.get_short_name).
    pieces.update(user.get_short_name() for user in apps.get_model("core", "User").objects.all())
    # The switcher names each language in its own words ("français", "shqip", "Kiswahili").
    pieces.update(translation.get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES)
    return sorted((p for p in pieces if p), key=len, reverse=True)


def english_left(text: str, allowed: list[str]) -> list[str]:
    text = EMAIL_OR_URL.sub(" ", text)
    for value in [*allowed, *CODES]:
        text = text.replace(value, " ")
    return sorted({word for word in LATIN_WORD.findall(text) if len(word) > 1})


LAYOUT = """() => {
  const brand = document.querySelector('.navbar-brand').getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(document.querySelector('h1'));
  const h1 = range.getBoundingClientRect();  // the heading's text, not its full-width box
  const main = document.querySelector('main').getBoundingClientRect();
  return {
    dir: document.documentElement.dir,
    lang: document.documentElement.lang,
    direction: getComputedStyle(document.body).direction,
    brandOnRight: brand.left > window.innerWidth / 2,
    headingFromRight: Math.abs(main.right - h1.right) < Math.abs(h1.left - main.left),
  };
}"""

RANGES = """() => [...document.querySelectorAll('bdi.rt-time-range')].map(b => {
  const t = b.querySelectorAll('time');
  return {
    text: b.textContent,
    direction: getComputedStyle(b).direction,
    start: t[0].getAttribute('datetime'),
    end: t[1].getAttribute('datetime'),
    startLeftOfEnd: t[0].getBoundingClientRect().left < t[1].getBoundingClientRect().left,
  };
})"""


COLUMNS_MIRRORED = """(selector) => {
  const cells = [...document.querySelectorAll(selector)];
  const left = (cell) => cell.getBoundingClientRect().left;
  return cells.length > 1 && left(cells[0]) > left(cells[cells.length - 1]);
}"""
CHART_MIRRORED = """(id) => {
  const chart = Chart.getChart(document.getElementById(id));
  return chart ? [chart.options.scales.x.reverse, chart.options.scales.y.position] : null;
}"""


@pytest.mark.parametrize("code", ["ar", "ur"])
def test_main_pages_read_right_to_left_in_arabic_and_urdu(live_server, page: Page, harbour, pw, login, axe, code):  # noqa: F811
    user = harbour.alice
    user.language = code  # the profile setting, not a cookie
    user.save(update_fields=["language"])
    login(user)
    pages = {
        "dashboard": "/",
        "registry": "/registry/organisations/",
        "committee": f"/coordination/committees/{harbour.committee.pk}/",
        "meeting": f"/coordination/meetings/{harbour.planned.pk}/",
        "action plan": f"/plans/{pw.plan.pk}/",
        "sharing": "/sharing/",
    }
    allowed = names_in_the_data()
    english: dict[str, list[str]] = {}
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, name
        layout = page.evaluate(LAYOUT)
        assert layout == {
            "dir": "rtl",
            "lang": code,
            "direction": "rtl",
            "brandOnRight": True,
            "headingFromRight": True,
        }, (name, layout)
        assert axe() == [], name
        if name == "action plan":
            assert page.evaluate(CHART_MIRRORED, "plan-chart") == [True, "right"], "bars grow from the right"
        if name in ("meeting", "dashboard"):
            ranges = page.evaluate(RANGES)
            assert ranges, f"the {name} page shows a meeting's time range"
            for r in ranges:
                assert re.fullmatch(r"\d\d:\d\d–\d\d:\d\d", r["text"]), r
                assert r["direction"] == "ltr" and r["start"] < r["end"] and r["startLeftOfEnd"], r
        left = english_left(page.inner_text("body"), allowed)
        if left:
            english[name] = left
    # The power/interest grid and the sector heatmap: the first column sits on the right.
    for view in ("grid", "heatmap"):
        page.goto(f"{live_server.url}/registry/mapping/{harbour.district.pk}/{view}/")
        assert page.evaluate(COLUMNS_MIRRORED, "thead th[scope=col]"), view
        assert axe() == [], view
    assert english == {}, f"English words on {code} pages (untranslated strings): {english}"
