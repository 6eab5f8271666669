"""Readable labels for the audit actions this app records (``core.models.ACTION_LABELS``), so the
history on the plan, action and report pages reads "Report returned", not ``update.return``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "framework.create": _("Framework adopted"),
    "framework.revise": _("Framework revised: new version"),
    "framework.update": _("Framework version corrected"),
    "plan.create": _("Plan created"),
    "plan.update": _("Plan changed"),
    "plan.status": _("Plan status changed"),
    "plan.approve": _("Plan version approved"),
    "objective.create": _("Objective added"),
    "objective.update": _("Objective changed"),
    "action.create": _("Action added"),
    "action.update": _("Action changed"),
    "action.from_decision": _("Meeting decision taken over as an action"),
    "action.session": _("Training session recorded"),
    "action.offer_take_up": _("Resource offer taken up"),
    "indicator.create": _("Indicator added"),
    "indicator.update": _("Indicator changed"),
    "update.create": _("Progress report started"),
    "update.edit": _("Progress report changed"),
    "update.submit": _("Progress report submitted"),
    "update.accept": _("Progress report accepted"),
    "update.return": _("Progress report returned"),
    "update.evidence": _("Evidence added"),
    "funding.allocate": _("Funding allocated"),
    "funding.update": _("Funding allocation changed"),
    "funding.tranche": _("Tranche planned"),
    "funding.disburse": _("Tranche disbursed"),
    "funding.cancel": _("Tranche cancelled"),
    "evaluation.create": _("Evaluation checkpoint added"),
    "evaluation.update": _("Evaluation checkpoint changed"),
    "lesson.record": _("Lesson learnt recorded"),
}
# Written by core.grants for every app's explicit grants (an action shared, a share withdrawn).
SHARED_LABELS = {
    "grant.create": _("Access shared"),
    "grant.revoke": _("Shared access withdrawn"),
}


def register() -> None:
    from core.models import ACTION_LABELS

    ACTION_LABELS.update(LABELS)
    for key, label in SHARED_LABELS.items():
        ACTION_LABELS.setdefault(key, label)
