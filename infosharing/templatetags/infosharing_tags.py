from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def tlp(label: str, size: str = "") -> str:
    """The TLP label, in its colour on black (TLP 2.0), shown before any content."""
    if not label:
        return format_html('<span class="tlp tlp-none {}">{}</span>', size, _("Unlabelled"))
    from infosharing.models import TLP_MEANING

    css = "tlp-" + label.lower().replace("+", "-")  # colours in infosharing/tlp.css (TLP_COLOUR)
    meaning = TLP_MEANING.get(label, "")
    return format_html('<span class="tlp {} {}" title="{}">TLP:{}</span>', css, size, meaning, label)


@register.filter
def tlp_meaning(label: str) -> str:
    """What the label lets recipients do, in the reader's language (the label is never translated)."""
    from infosharing.models import TLP_MEANING

    return str(TLP_MEANING.get(label, ""))


@register.filter
def tlp_limits(label: str) -> str:
    """Whom a grant of an item with this label may reach (``models.TLP_SHARING_LIMITS``)."""
    from infosharing.models import TLP_SHARING_LIMITS

    return str(TLP_SHARING_LIMITS.get(label, ""))


@register.simple_tag
def can_configure_sharing(user: object) -> bool:
    from infosharing.permissions import can_create_agreement

    return can_create_agreement(user)  # type: ignore[arg-type]


@register.inclusion_tag("infosharing/partials/item_ref.html")
def item_ref(user: object, item_id: int) -> dict[str, object]:
    """A cited item: a link for those who may open it, "Restricted" for everyone else (no title)."""
    from infosharing.selectors import related_for

    [(pk, item)] = related_for(user, [item_id])  # type: ignore[arg-type]
    return {"pk": pk, "item": item}
