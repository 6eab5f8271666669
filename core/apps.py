from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core.notifications import core_kinds, sweeper  # noqa: F401 - registers the digest kind
        from core.services import account_invitations_sweep

        sweeper(account_invitations_sweep)
