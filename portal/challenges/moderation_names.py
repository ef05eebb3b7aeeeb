"""The moderation workflow's and its task's names in the reader's language (and in the history that quotes them).

Wagtail stores one name per workflow and task and shows it as is, on buttons ("Submit to …"), in the status panel,
the reports and the history. Ours are named once here, in English with a Japanese translation, and every instance
read from the database is given the name in the active language (the admin activates each user's language before a
view runs). The database may hold either language's name, or an older one (0005 wrote Japanese names; the task was
called 「総務省の承認」, but 承認 is the word for approving travel support, see docs/glossary.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_init
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from wagtail.models import BaseLogEntry, Task, Workflow

WORKFLOW_NAME = gettext_noop("Ministry moderation of challenges")
TASK_NAME = gettext_noop("Ministry review")
# Wagtail's own default workflow and task (its migrations create them, for pages other than challenges).
WAGTAIL_DEFAULT_NAME = gettext_noop("Moderators approval")
# Names these objects carried before: still recognised, then shown under the current name.
FORMER_NAMES = {
    WORKFLOW_NAME: ("総務省による課題の審査",),
    TASK_NAME: ("Ministry approval", "総務省の承認"),
    WAGTAIL_DEFAULT_NAME: (),
}

_known: dict[str, str] | None = None


def known_names() -> dict[str, str]:
    """Every stored spelling of our names (each language's, the former ones) → the English msgid."""
    global _known
    if _known is None:
        names: dict[str, str] = {}
        for msgid, former in FORMER_NAMES.items():
            names[msgid] = msgid
            names.update(dict.fromkeys(former, msgid))
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    names[gettext(msgid)] = msgid
        _known = names
    return _known


def _localise_titles(data) -> None:
    """The names a log entry copied when it was written ({"workflow": {"title": …, "next": {"title": …}}})."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "title" and isinstance(value, str) and value in known_names():
                data[key] = gettext(known_names()[value])
            else:
                _localise_titles(value)


def localise_name(sender, instance, **kwargs) -> None:
    """post_init: swap a known workflow or task name for its translation in the active language, also where the
    page history quotes it."""
    if isinstance(instance, BaseLogEntry):
        if isinstance(instance.__dict__.get("data"), dict):
            _localise_titles(instance.__dict__["data"])
        return
    if not isinstance(instance, (Workflow, Task)) or "name" not in instance.__dict__:
        return
    msgid = known_names().get(instance.name)
    if msgid is not None:
        instance.name = gettext(msgid)


def connect() -> None:
    # Without a sender: Wagtail's tasks are subclasses of Task (GroupApprovalTask), each its own sender.
    post_init.connect(localise_name, dispatch_uid="challenges.moderation_names")
