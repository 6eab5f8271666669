"""Periodic jobs of the action plans: overdue and at-risk actions go to their committee's next agenda
(the plan-to-meeting loop). Idempotent: once per action and due date, whatever retries happen."""

from __future__ import annotations

from celery import shared_task

from actionplans import services


@shared_task(name="actionplans.tasks.propose_overdue_actions_task", time_limit=600, soft_time_limit=540)
def propose_overdue_actions_task() -> int:
    return services.agenda_proposals_make()
