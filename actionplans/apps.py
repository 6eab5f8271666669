from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from actionplans import (
            notifications,  # noqa: F401 - registers the reminders
            permissions,  # noqa: F401 - registers the rules
        )
        from actionplans.audit import register
        from actionplans.duelist import connect_signals

        register()
        connect_signals()  # each organisation's due list follows actions and partners (ADR 0010)
