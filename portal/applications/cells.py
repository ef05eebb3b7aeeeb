"""The startup's applications table (My page, "Your applications") and its state badge and rank control, written in
Python: one function per cell instead of two `{% include %}`s per row (issue #20: the includes were most of the
table's rendering time). The templates call them through applications_tags (`{% application_rows %}`,
`{% application_state %}`, `{% application_preference %}`), so the markup lives here once: the phone layout's
`data-label` on each cell (the table folds into labelled rows), the state badge with what the startup must do next,
the rank form while the application may be ranked.

Every value is escaped by `format_html`; the translated labels are the templates' own messages.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from portal.programme.templatetags.programme_tags import bilingual

from . import next_steps
from . import permissions as rules
from .models import PREFERENCE_CHOICES, Application, ApplicationState

_ICON_MATCHED = mark_safe(
    '<svg class="status-icon" aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="14" height="14">'
    '<path d="M2 8h9M8 4l4 4-4 4" fill="none" stroke="currentColor" stroke-width="2"/></svg>'
)
_ICON_ACTION = mark_safe(
    '<svg class="status-icon" aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="14" height="14">'
    '<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M8 4v5M8 11v1.5" stroke="#fff" stroke-width="2"/>'
    "</svg>"
)


def _datetime(value) -> str:
    """`{{ value|date:"DATETIME_FORMAT" }}`: in the site's time zone and the reader's format; '' for None."""
    return date_format(localtime(value), "DATETIME_FORMAT") if value else ""


def state_badge(application: Application, *, for_startup: bool, shared: _Table | None = None) -> SafeString:
    """The state as a badge; for the startup, with what it must do next (an icon and a few words)."""
    state = application.state
    action = next_steps.startup_action(application) if for_startup else ""
    label = shared.state_label(state) if shared is not None else application.get_state_display()
    if not action:
        return format_html(
            '<span class="status application-state state-{}" data-state="{}">{}</span>',
            state,
            state,
            label,
        )
    return format_html(
        '<span class="status application-state state-{} needs-action" data-state="{}">{}{}</span>'
        ' <span class="action-needed" data-action-needed="{}">{}</span>',
        state,
        state,
        _ICON_MATCHED if state == ApplicationState.MATCHED else _ICON_ACTION,
        label,
        state,
        action,
    )


def _csrf_input(csrf_token) -> SafeString:
    """What `{% csrf_token %}` writes (nothing without a token)."""
    if not csrf_token or csrf_token == "NOTPROVIDED":
        return mark_safe("")
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)


class _Table:
    """What every row of one table shares, worked out once per table instead of once per row: the labels of the
    states and ranks and the form's texts in the reader's language, the rank options, the addresses (reversed once,
    with each row's pk put in)."""

    _PK = 987654321  # stands for the row's pk in an address reversed once

    def __init__(self) -> None:
        self._states: dict[str, str] = {}
        self._options: dict = {}
        self._urls: dict[str, tuple[str, str]] = {}
        self.texts = {
            "not_ranked": _("not ranked"),
            "save": _("Save"),
            "municipality": _("municipality"),
            "state": _("state"),
            "preference": _("your preference"),
            "submitted": _("submitted on"),
            "updated": _("updated"),
        }
        self.preferences = {value: str(label) for value, label in PREFERENCE_CHOICES}

    def state_label(self, state: str) -> str:
        label = self._states.get(state)
        if label is None:
            label = self._states[state] = str(dict(ApplicationState.choices).get(state, state))
        return label

    def url(self, name: str, pk: int) -> str:
        parts = self._urls.get(name)
        if parts is None:
            before, _sep, after = reverse(name, args=[self._PK]).partition(str(self._PK))
            parts = self._urls[name] = (before, after)
        return f"{parts[0]}{pk}{parts[1]}"

    def options(self, preference) -> SafeString:
        html = self._options.get(preference)
        if html is None:
            html = self._options[preference] = _options(preference)
        return html


def _options(preference) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if preference == value else "", label)
            for value, label in PREFERENCE_CHOICES
        ),
    )


def preference_cell(
    application: Application, *, user, next_url: str, csrf_token, shared: _Table | None = None
) -> SafeString:
    """The rank form while this user may rank the application (members, rankable state, before the deadline);
    otherwise the rank as text."""
    table = shared or _Table()
    preference = application.preference
    if not rules.can_set_preference(user, application)[0]:
        return format_html(
            '<span class="preference" data-preference="{}">{}</span>',
            "" if preference is None else preference,
            (table.preferences.get(preference, preference) if preference is not None else "") or "—",
        )
    return format_html(
        '<form method="post" action="{}" class="preference-form" data-preference="{}">{}\n'
        '  <input type="hidden" name="next" value="{}">\n'
        '  <label for="rank-{}" class="visually-hidden">{}</label>\n'
        '  <select name="rank" id="rank-{}">\n'
        '    <option value=""{}>{}</option>\n'
        "    {}\n"
        "  </select>\n"
        '  <button type="submit" class="button button-small">{}</button>\n'
        "</form>",
        table.url("applications:preference", application.pk),
        preference or "",
        _csrf_input(csrf_token),
        next_url,
        application.pk,
        _("Your preference for “%(challenge)s”") % {"challenge": application.challenge.title},
        application.pk,
        "" if preference else mark_safe(" selected"),
        table.texts["not_ranked"],
        table.options(preference),
        table.texts["save"],
    )


def table_rows(
    applications: Iterable[Application], *, user, for_startup: bool, next_url: str, csrf_token
) -> SafeString:
    """The table's body rows: challenge (linked, in the reader's language), municipality, state, rank, submitted
    and updated; every cell but the first labelled for the phone layout."""
    table = _Table()
    labels = table.texts
    rows = []
    for application in applications:
        challenge = application.challenge
        rows.append(
            format_html(
                '<tr data-application="{}">\n'
                '      <td><a href="{}">{}</a></td>\n'
                '      <td data-label="{}">{}</td>\n'
                '      <td data-label="{}">{}</td>\n'
                '      <td data-label="{}">{}</td>\n'
                '      <td data-label="{}">{}</td>\n'
                '      <td data-label="{}">{}</td>\n'
                "    </tr>",
                application.pk,
                table.url("applications:detail", application.pk),
                bilingual(challenge, "title"),
                labels["municipality"],
                str(challenge.municipality),
                labels["state"],
                state_badge(application, for_startup=for_startup, shared=table),
                labels["preference"],
                preference_cell(
                    application, user=user, next_url=next_url, csrf_token=csrf_token, shared=table
                ),
                labels["submitted"],
                _datetime(application.submitted_at) or "—",
                labels["updated"],
                _datetime(application.updated_at),
            )
        )
    return mark_safe("\n    ".join(rows))
