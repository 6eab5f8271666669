from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplansConfig(AppConfig):
    name = "actionplans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from actionplans import permissions

        permissions.register_missing_lower_rules()
        # Grants to organisations and committees name registry and coordination rows; register the
        # models where those apps have not done so themselves.
        from coordination.models import Committee
        from core import grants
        from core.models import GranteeKind
        from stakeholders.models import Organisation

        grants._grantee_models.setdefault(GranteeKind.ORGANISATION, Organisation)
        grants._grantee_models.setdefault(GranteeKind.COMMITTEE, Committee)
