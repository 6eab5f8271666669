from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders")

    def ready(self) -> None:
        # Registers the registry's rules, role provider, principals and grantee kind.
        from stakeholders import permissions  # noqa: F401
        from stakeholders.directory import connect_signals

        connect_signals()  # the people directory's stored visibility follows positions (ADR 0014)
