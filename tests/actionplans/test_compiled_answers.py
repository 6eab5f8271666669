"""A rule's compiled answer (``core.permissions.RuleCondition``, ADR 0015) selects exactly the rows of
the rule's ``Q``: at the top of a query, inside a subquery (its aliases re-pointed) and as a per-row
flag, for every rule in the registry and every action-plan persona (their world holds organisations,
a committee with members, plans, actions and indicators)."""

from __future__ import annotations

import pytest

from core.models import User
from core.permissions import annotate, rules, shared_answers, visible

PERSONAS = ("admin", "alice", "bob", "olga", "mona", "charlie", "pete", "mike", "nora")


@pytest.mark.parametrize("rule", rules.rules(), ids=lambda r: r.label)
def test_the_compiled_answer_gives_the_rows_of_the_rule(pw, rule) -> None:  # type: ignore[no-untyped-def]
    """For every rule in the registry and every persona: the compiled condition at the top of a
    query, inside a subquery and as a per-row flag selects exactly the rows of the rule's ``Q``."""
    model = rule.model
    manager = model._default_manager
    shared_answers.clear()
    for name in PERSONAS * 2:  # built, then shared
        user = User.objects.get(pk=getattr(pw, name).pk)
        plain = rules.q(user, model, rule.action)
        expected = set(
            manager.values_list("pk", flat=True)
            if plain is None
            else manager.filter(plain).values_list("pk", flat=True)
        )
        top = set(visible(user, model, rule.action).values_list("pk", flat=True))
        nested = set(manager.filter(pk__in=visible(user, model, rule.action).values("pk")).values_list("pk", flat=True))
        flagged = {row.pk for row in annotate(manager.all(), user, rule.action, "ok") if row.ok}
        assert top == expected and nested == expected and flagged == expected, (rule.label, name)
