"""Forms for visits and meetings. Times are typed in Japan time (the labels say so) and turned into aware
datetimes by `services.jst_slot`, whatever the server's zone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MeetingKind
from .services.meetings import MAX_SLOTS, jst_slot

SLOT_ROWS = 5
assert SLOT_ROWS <= MAX_SLOTS


def _slot_fields(prefix: str, *, required: bool) -> dict[str, forms.Field]:
    return {
        f"{prefix}date": forms.DateField(
            label=_("date"), required=required, widget=forms.DateInput(attrs={"type": "date"})
        ),
        f"{prefix}start": forms.TimeField(
            label=_("from (JST)"),
            required=required,
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        ),
        f"{prefix}end": forms.TimeField(
            label=_("until (JST)"),
            required=required,
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        ),
        f"{prefix}place": forms.CharField(label=_("place"), required=False, max_length=300),
        f"{prefix}online_url": forms.URLField(
            label=_("online meeting link"), required=False, max_length=500, assume_scheme="https"
        ),
    }


class SlotRowsMixin:
    """Rows of date / from / until / place / link; a row left empty is ignored, a half-filled one is an error."""

    slot_rows = SLOT_ROWS

    def _add_slot_fields(self):
        for i in range(1, self.slot_rows + 1):
            self.fields.update(_slot_fields(f"slot{i}_", required=False))

    def slot_rows_bound(self):
        return [
            [self[f"slot{i}_{name}"] for name in ("date", "start", "end", "place", "online_url")]
            for i in range(1, self.slot_rows + 1)
        ]

    def clean_slots(self, data) -> list:
        slots = []
        for i in range(1, self.slot_rows + 1):
            p = f"slot{i}_"
            values = [data.get(p + n) for n in ("date", "start", "end", "place", "online_url")]
            if not any(values):
                continue
            day, start, end, place, url = values
            if not (day and start and end):
                self.add_error(f"{p}date", _("Give the date, the start and the end of this slot."))
                continue
            slots.append(jst_slot(day, start, end, place=place or "", online_url=url or ""))
        if not slots and not self.errors:
            self.add_error(None, _("Offer at least one time slot."))
        return slots


class MeetingProposeForm(SlotRowsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    note = forms.CharField(
        label=_("agenda"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, label) for k, label in MeetingKind.choices if k in kinds]
        self._add_slot_fields()

    def clean(self):
        data = super().clean()
        data["slots"] = self.clean_slots(data)
        return data


class OfferSlotsForm(SlotRowsMixin, forms.Form):
    note = forms.CharField(
        label=_("message to the startup"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_slot_fields()

    def clean(self):
        data = super().clean()
        data["slots"] = self.clean_slots(data)
        return data


class ChangeMeetingForm(SlotRowsMixin, forms.Form):
    slot_rows = 1
    reason = forms.CharField(
        label=_("reason for the change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_slot_fields()

    def clean(self):
        data = super().clean()
        slots = self.clean_slots(data)
        data["slot"] = slots[0] if slots else None
        return data


class PickSlotForm(forms.Form):
    slot = forms.TypedChoiceField(label=_("time"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, slots=(), labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(s.pk, (labels or {}).get(s.pk, str(s))) for s in slots]


class OtherSlotsForm(forms.Form):
    message = forms.CharField(
        label=_("which days or times would suit you"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for cancelling"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
