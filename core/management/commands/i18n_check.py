"""``manage.py i18n_check``: every shipped language complete, the catalogues current, no string
left unmarked. Exits 1 on any failure (CI runs it). ``--update`` refreshes the catalogues from the
source first, ``--compile`` (re)builds the .mo files; ``make install`` runs ``--compile``."""

from __future__ import annotations

import shutil
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import i18n


class Command(BaseCommand):
    help = "Per shipped language: translated/total; fails on untranslated, fuzzy, stale or unmarked strings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--update", action="store_true", help="Refresh the catalogues (makemessages) first.")
        parser.add_argument("--compile", action="store_true", help="Only build the .mo files, check nothing.")
        parser.add_argument("--limit", type=int, default=10, help="How many missing msgids to list per language.")

    def handle(self, *args: Any, **options: Any) -> None:
        codes = i18n.shipped_languages()
        if options["update"]:
            i18n.refresh_catalogues(codes)
        if options["update"] or options["compile"]:
            for code in codes:
                path = i18n.catalogue_path(code)
                if path.exists():
                    i18n.compile_catalogue(path)
            self.stdout.write(f"Compiled {len(codes)} catalogues.")
            if options["compile"]:
                return
        if not shutil.which("xgettext"):
            raise CommandError("GNU gettext (xgettext) is needed to compare the catalogues with the source.")
        limit = options["limit"]
        failures: list[str] = []
        source = i18n.source_msgids()
        self.stdout.write(f"{'language':<10}{'translated':>12}{'total':>8}{'%':>8}{'fuzzy':>7}  status")
        for code in codes:
            report = i18n.catalogue_report(code)
            missing, obsolete = i18n.stale_report(code, source)
            errors = i18n.format_errors(i18n.catalogue_path(code)) if report.total else ""
            ok = report.ok and not missing and not obsolete and not errors
            self.stdout.write(
                f"{code:<10}{report.translated:>12}{report.total:>8}{report.percent:>7.1f}%{len(report.fuzzy):>7}  "
                + ("ok" if ok else "FAIL")
            )
            if ok:
                continue
            failures.append(code)
            for problem in report.problems:
                self.stdout.write(f"    {problem}")
            for label, items in (
                ("untranslated", report.untranslated),
                ("fuzzy", report.fuzzy),
                ("in the source, not in the catalogue (stale: run i18n_check --update)", missing),
                ("in the catalogue, no longer in the source (stale: run i18n_check --update)", obsolete),
            ):
                if items:
                    self.stdout.write(f"    {len(items)} {label}:")
                    for msgid in items[:limit]:
                        self.stdout.write(f"      {msgid[:100]!r}")
                    if len(items) > limit:
                        self.stdout.write(f"      ... and {len(items) - limit} more")
            if errors:
                self.stdout.write("    msgfmt --check-format:\n      " + errors.replace("\n", "\n      "))
        unmarked = i18n.unmarked_strings()
        self.stdout.write(f"\nStrings not marked for translation: {len(unmarked)}")
        for item in unmarked:
            self.stdout.write(f"    {item}")
        if unmarked:
            failures.append("unmarked strings")
        if failures:
            raise CommandError("i18n check failed: " + ", ".join(failures))
        self.stdout.write(self.style.SUCCESS("Every shipped language is complete."))
