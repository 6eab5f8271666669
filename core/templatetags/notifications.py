from __future__ import annotations

from django import template

from core.selectors import notification_unread_count

register = template.Library()


@register.inclusion_tag("core/includes/bell.html", takes_context=True)
def notification_bell(context: template.Context) -> dict[str, object]:
    """The bell in the header: one count query, for signed-in users only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    count = notification_unread_count(user) if user is not None and user.is_authenticated else 0
    return {"count": count, "show": bool(user is not None and user.is_authenticated)}
