"""Load the demo data, idempotently: every app's ``demo.seed()`` in the order of LOCAL_APPS."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load (or refresh) the demo data drawn from the cases in the guide for cities."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        logins: list[tuple[str, str]] = []
        password = ""
        for label in settings.LOCAL_APPS:
            try:
                module = import_module(f"{apps.get_app_config(label).name}.demo")
            except ModuleNotFoundError:
                continue
            password = getattr(module, "DEMO_PASSWORD", password)
            with transaction.atomic():
                logins.extend(module.seed() or [])
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if logins and not options["quiet_logins"]:
            roles: dict[str, list[str]] = {}
            for email, role in logins:
                roles.setdefault(email, []).append(role)
            width = max(len(email) for email in roles)
            self.stdout.write(f"\nDemo logins (password for all: {password}):")
            for email, described in roles.items():
                self.stdout.write(f"  {email:<{width}}  {'; '.join(described)}")
