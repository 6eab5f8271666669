from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination import permissions, selectors
from coordination.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMembership,
    Decision,
    Invitation,
    Meeting,
)
from core.forms import ServiceValidatedMixin, StyledFormMixin, VisibleChoicesMixin
from core.permissions import AnyUser, allows
from core.widgets import TypeaheadSelect
from stakeholders.models import Jurisdiction, Person
from stakeholders.selectors import sector_list

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CommitteeForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Committee
        fields = [
            "name",
            "acronym",
            "kind",
            "jurisdiction",
            "parent",
            "status",
            "remit",
            "mandate",
            "mandate_review_date",
            "secretariat",
            "quorum_rule",
            "quorum_value",
            "reminder_lead_hours",
            "expected_sectors",
        ]
        widgets = {
            "remit": forms.Textarea(attrs={"rows": 3}),
            "mandate": forms.Textarea(attrs={"rows": 6}),
            "mandate_review_date": DATE,
            "expected_sectors": forms.SelectMultiple(attrs={"size": 8}),
            "parent": TypeaheadSelect("committees"),
            "secretariat": TypeaheadSelect("organisations"),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        jurisdictions = permissions.jurisdictions_for_new_committees(user)
        if self.instance.pk:
            # Keeping the current jurisdiction is always allowed; moving needs the new one in scope.
            jurisdictions = (jurisdictions | Jurisdiction.objects.filter(pk=self.instance.jurisdiction_id)).distinct()
        self.fields["jurisdiction"].queryset = jurisdictions  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        self.fields["expected_sectors"].queryset = self.fields["expected_sectors"].queryset.filter(  # type: ignore[attr-defined]
            pk__in=sector_list().values("pk")
        )
        # Left empty, the lead time stays as it is (24 hours for a new committee).
        self.fields["reminder_lead_hours"].required = False
        # A link the user cannot see is neither shown nor offered; it stays as it is on save.
        for name in ("parent", "secretariat"):
            linked = getattr(self.instance, name, None) if self.instance.pk else None
            if linked is not None and not allows(user, linked):
                del self.fields[name]

    def clean_reminder_lead_hours(self) -> int:
        value = self.cleaned_data.get("reminder_lead_hours")
        return int(value) if value else int(self.instance.reminder_lead_hours or 24)


class CommitteeFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *Committee.Kind.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Committee.Status.choices], required=False
    )


class MembershipForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = CommitteeMembership
        fields = ["person", "organisation", "role", "designation", "start_date", "end_date"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "person": TypeaheadSelect("committee-people"),
            "organisation": TypeaheadSelect("organisations"),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["person"].queryset = selectors.people_for_forms(user)  # type: ignore[attr-defined]


class MeetingForm(ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    # The plain-language recurrence builder; it writes the RFC 5545 rule (``recurrence``).
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        required=False,
        choices=[
            ("", _("Does not repeat")),
            ("weekly", _("Every week")),
            ("fortnightly", _("Every other week")),
            ("monthly", _("Every month, on a weekday")),
        ],
    )
    repeat_weekday = forms.TypedChoiceField(
        label=_("On"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
        help_text=_("Leave as it is to use the weekday of the first meeting."),
    )
    repeat_ordinal = forms.TypedChoiceField(
        label=_("Which one in the month"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(1, _("first")), (2, _("second")), (3, _("third")), (4, _("fourth")), (-1, _("last"))],
    )
    repeat_until = forms.DateField(label=_("Until"), required=False, widget=DATE)
    repeat_count = forms.IntegerField(label=_("Or this many times"), required=False, min_value=1, max_value=200)
    recurrence = forms.CharField(
        label=_("Or an RFC 5545 rule (advanced)"),
        required=False,
        max_length=500,
        help_text=_(
            "Leave empty for a one-off meeting. For example FREQ=MONTHLY;BYDAY=1TU;COUNT=12 (the first "
            "Tuesday of the month, 12 times) or FREQ=WEEKLY;UNTIL=20271231. It must end."
        ),
    )
    BUILDER = ("repeat", "repeat_weekday", "repeat_ordinal", "repeat_until", "repeat_count")

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "location", "online_url", "is_confidential"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def __init__(self, *args: Any, with_recurrence: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]  # type: ignore[attr-defined]
        if not with_recurrence:
            for name in ("recurrence", *self.BUILDER):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        from django.core.exceptions import ValidationError

        from coordination.recurrence import build_rule

        data = super().clean() or {}
        builder = {name: data.pop(name, None) for name in self.BUILDER}
        if builder.get("repeat") and not self.errors:
            weekday = builder["repeat_weekday"]
            if weekday is None and data.get("starts_at"):
                weekday = data["starts_at"].weekday()
            try:
                data["recurrence"] = build_rule(
                    repeat=builder["repeat"],
                    weekday=weekday or 0,
                    ordinal=builder["repeat_ordinal"] or 1,
                    until=builder["repeat_until"],
                    count=builder["repeat_count"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return data


class AgendaItemForm(ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "presenter", "duration_minutes", "description", "papers", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "papers": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].help_text = _("Leave empty to add it at the end.")


class ProposeItemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Item to propose"), max_length=300)
    description = forms.CharField(
        label=_("Why it matters"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MinutesForm(StyledFormMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=100000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Paragraphs, lists, bold, italics and links are kept; anything else is removed."),
    )
    status = forms.ChoiceField(
        label=_("After this meeting the item is"),
        choices=[(AgendaItem.Status.CLOSED, _("Closed")), (AgendaItem.Status.OPEN, _("Still open (carry it over)"))],
    )


class DecisionForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["kind", "text", "owner", "owner_organisation", "due_date", "status"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "due_date": DATE,
            "owner": TypeaheadSelect("committee-people"),
            "owner_organisation": TypeaheadSelect("organisations"),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["owner"].queryset = selectors.people_for_forms(user)  # type: ignore[attr-defined]


class DecisionProgressForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["status", "owner", "due_date"]
        widgets = {"due_date": DATE, "owner": TypeaheadSelect("committee-people")}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["owner"].queryset = selectors.people_for_forms(user)  # type: ignore[attr-defined]


class InviteForm(VisibleChoicesMixin, StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.all(), widget=TypeaheadSelect("committee-people")
    )
    kind = forms.ChoiceField(
        label=_("Invited as"),
        choices=[(Invitation.Kind.SUMMONED, _("Summoned official")), (Invitation.Kind.GUEST, _("Guest"))],
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["person"].queryset = selectors.people_for_forms(user)  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    response = forms.ChoiceField(choices=[c for c in Invitation.Response.choices if c[0] != "pending"])


class AttendanceForm(StyledFormMixin, forms.Form):
    """One attendance choice (and an optional stand-in) per invitee. The actor's own attendance is
    shown but not offered (nobody records their own; ADR 0003), nor are they offered as a stand-in."""

    def __init__(
        self,
        *args: Any,
        invitations: list[Invitation],
        attendance: list[Attendance],
        actor: AnyUser | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        current = {a.person_id: a for a in attendance}
        actor_id = getattr(actor, "pk", None)
        self.rows: list[tuple[Invitation, str | None, str | None]] = []
        people = [
            (i.person.pk, i.person.full_name) for i in invitations if i.person.user_id != actor_id or not actor_id
        ]
        for invitation in invitations:
            pid = invitation.person_id
            if actor_id and invitation.person.user_id == actor_id:
                self.rows.append((invitation, None, None))
                continue
            existing = current.get(pid)
            status_name, by_name = f"status_{pid}", f"represented_by_{pid}"
            self.fields[status_name] = forms.ChoiceField(
                label=_("Attendance of %(name)s") % {"name": invitation.person.full_name},
                required=False,
                choices=[("", _("Not recorded")), *Attendance.Status.choices],
                initial=existing.status if existing else "",
            )
            self.fields[by_name] = forms.TypedChoiceField(
                label=_("%(name)s represented by") % {"name": invitation.person.full_name},
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "—"), *[p for p in people if p[0] != pid]],
                initial=existing.represented_by_id if existing else None,
            )
            self.rows.append((invitation, status_name, by_name))

    def entries(self) -> list[dict[str, Any]]:
        from stakeholders.models import Person

        wanted = [(inv, self.cleaned_data.get(s), self.cleaned_data.get(b)) for inv, s, b in self.rows if s and b]
        stand_ins = Person.objects.in_bulk([b for _inv, _s, b in wanted if b])
        return [
            {"person": inv.person, "status": status, "represented_by": stand_ins.get(by) if by else None}
            for inv, status, by in wanted
            if status
        ]


class MonthForm(VisibleChoicesMixin, forms.Form):
    narrow_only_given = ("committee",)  # a type-ahead box: the visible committees only to check one given

    month = forms.DateField(input_formats=["%Y-%m"], required=False)
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.all(), required=False, label=_("Committee"), widget=TypeaheadSelect("committees")
    )
    day = forms.DateField(input_formats=["%Y-%m-%d"], required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["committee"].widget.attrs["class"] = "form-control"
        self.fields["committee"].widget.attrs["placeholder"] = _("All committees you may see")


class WorkspaceForm(AttendanceForm):
    """The meeting workspace: attendance, then per agenda item its minutes, whether it stays open,
    and a new outcome; one form and one save, so nothing typed in one part is lost by saving another.

    Owner and lead organisation are type-ahead pickers (``core.pickers``): the page never lists
    everyone; the ids come back and the service resolves them, in bulk, within the user's reach."""

    def __init__(
        self,
        *args: Any,
        invitations: list[Invitation],
        attendance: list[Attendance],
        items: list[AgendaItem],
        people: Any,
        organisations: Any,
        actor: AnyUser | None = None,
        **kwargs: Any,
    ) -> None:
        # Nobody records their own attendance (it is a grant): the actor's row has no fields.
        super().__init__(*args, invitations=invitations, attendance=attendance, actor=actor, **kwargs)
        self.items = items
        self.item_rows: list[dict[str, Any]] = []
        for item in items:
            n = item.pk
            self.fields[f"minutes_{n}"] = forms.CharField(
                label=_("Minutes of “%(title)s”") % {"title": item.title},
                required=False,
                max_length=100000,
                initial=item.minutes,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[f"item_status_{n}"] = forms.ChoiceField(
                label=_("After this meeting the item is"),
                choices=[
                    (AgendaItem.Status.CLOSED, _("Closed")),
                    (AgendaItem.Status.OPEN, _("Still open (carry it over)")),
                ],
                initial=AgendaItem.Status.OPEN if item.status == AgendaItem.Status.OPEN else AgendaItem.Status.CLOSED,
            )
            self.fields[f"decision_kind_{n}"] = forms.ChoiceField(
                label=_("Kind of outcome"), choices=Decision.Kind.choices, initial=Decision.Kind.DECISION
            )
            self.fields[f"decision_text_{n}"] = forms.CharField(
                label=_("New outcome"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Leave empty when the item had no outcome."),
            )
            self.fields[f"decision_owner_{n}"] = forms.IntegerField(
                label=_("Owner"),
                required=False,
                min_value=1,
                widget=TypeaheadSelect("committee-people", queryset=people),
            )
            self.fields[f"decision_org_{n}"] = forms.IntegerField(
                label=_("Lead organisation"),
                required=False,
                min_value=1,
                widget=TypeaheadSelect("organisations", queryset=organisations),
            )
            self.fields[f"decision_due_{n}"] = forms.DateField(label=_("Due"), required=False, widget=DATE)
            self.item_rows.append(
                {
                    "item": item,
                    "minutes": f"minutes_{n}",
                    "status": f"item_status_{n}",
                    "decision": [
                        f"decision_kind_{n}",
                        f"decision_text_{n}",
                        f"decision_owner_{n}",
                        f"decision_org_{n}",
                        f"decision_due_{n}",
                    ],
                }
            )
        for field in self.fields.values():
            widget = field.widget
            if not widget.attrs.get("class"):
                widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    def item_entries(self) -> list[dict[str, Any]]:
        """Per item: its minutes, its status and (when text was given) the new outcome, with the
        owner and organisation as ids for the service to resolve within the user's reach."""
        data = self.cleaned_data
        entries = []
        for item in self.items:
            n = item.pk
            text = (data.get(f"decision_text_{n}") or "").strip()
            entries.append(
                {
                    "item": item,
                    "minutes": data.get(f"minutes_{n}") or "",
                    "status": data.get(f"item_status_{n}"),
                    "decision": {
                        "kind": data.get(f"decision_kind_{n}"),
                        "text": text,
                        "owner_id": data.get(f"decision_owner_{n}"),
                        "owner_organisation_id": data.get(f"decision_org_{n}"),
                        "due_date": data.get(f"decision_due_{n}"),
                    }
                    if text
                    else None,
                }
            )
        return entries

    def attendance_bound(self) -> list[tuple[Invitation, forms.BoundField | None, forms.BoundField | None]]:
        return [(inv, self[s] if s else None, self[b] if b else None) for inv, s, b in self.rows]

    def items_bound(self) -> list[dict[str, Any]]:
        return [
            {
                "item": row["item"],
                "minutes": self[row["minutes"]],
                "status": self[row["status"]],
                "decision": [self[name] for name in row["decision"]],
            }
            for row in self.item_rows
        ]


class PaperForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False, help_text=_("Optional: the file name."))
    file = forms.FileField(label=_("File"))
