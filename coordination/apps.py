from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from coordination import (
            notifications,  # noqa: F401 - registers the reminders
            papers,  # noqa: F401  (registers the rules for papers)
            permissions,  # noqa: F401  (registers the app's rules)
        )
