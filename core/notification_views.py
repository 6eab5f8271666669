"""The notification centre (the bell, the list, preferences) and the operations page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import selectors, services
from core.http import request_user
from core.models import Delivery, Frequency, Notification
from core.notifications import configurable_kinds
from core.permissions import is_platform_admin
from core.timezones import zone_names


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(selectors.notification_list_for(user), 50).get_page(request.GET.get("page"))
    return render(
        request, "core/notifications.html", {"page": page, "unread": selectors.notification_unread_count(user)}
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Following a notification marks it read and goes to its link (another's answers 404)."""
    user = request_user(request)
    notification = get_object_or_404(Notification, pk=pk, recipient=user)
    services.notifications_mark_read(user=user, ids=[notification.pk])
    url = notification.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect("notification-list")
    return redirect(url)


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    services.notifications_mark_read(user=user, ids=ids or None)
    messages.success(request, _("Marked as read.") if ids else _("All notifications marked as read."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("notification-list")


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    kinds = configurable_kinds()
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.notification_settings_save(
                user=user,
                frequencies={k.kind: request.POST.get(f"kind-{k.kind}", Frequency.IMMEDIATELY) for k in kinds},
                time_zone=request.POST.get("time_zone", "").strip(),
                language=request.POST.get("language", "").strip(),
            )
        except ValidationError as exc:
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification-preferences")
    current = selectors.notification_preferences_of(user)
    rows = [(k, current.get(k.kind, Frequency.IMMEDIATELY)) for k in kinds]
    from django.conf import settings

    return render(
        request,
        "core/notification_preferences.html",
        {
            "rows": rows,
            "frequencies": Frequency.choices,
            "zones": zone_names(),
            "languages": settings.LANGUAGES,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _require_admin(request: HttpRequest) -> None:
    if not is_platform_admin(request.user):
        raise Http404


@login_required
def operations(request: HttpRequest) -> HttpResponse:
    """Platform admins: each job's last runs, what was sent, what failed and why, what is stuck."""
    _require_admin(request)
    return render(request, "core/operations.html", selectors.deliveries_overview())


@login_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    delivery = get_object_or_404(Delivery, pk=pk)
    services.delivery_retry(actor=request_user(request), delivery=delivery)
    from core.tasks import deliver_notifications_task

    try:
        deliver_notifications_task.delay()
    except Exception:  # noqa: BLE001 - the periodic job sends it if the broker is down
        messages.warning(request, _("Queued: it goes out with the next notifications run."))
    else:
        messages.success(request, _("The delivery is queued again."))
    return redirect(reverse("operations"))
