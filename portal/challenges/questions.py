"""A challenge's own application questions, built from Wagtail StreamField blocks in the page editor.

The municipality adds questions of five kinds (short text, long text, choice, number, file), each required or not;
the applications app turns them into form fields and stores the answers. Each question keeps the block's id, so an
answer stays attached to its question when the editor reorders or rewords the list.

    for question in questions_of(challenge):   # Question(id, kind, label, label_en, help_text, required, …)
        ...
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from portal.core.i18n import in_reader_language

MAX_QUESTIONS = 20
MAX_CHOICES = 20
SHORT_TEXT_MAX_CHARS = 200
LONG_TEXT_MAX_CHARS = 4000
CHOICE_MAX_CHARS = 100


class QuestionKind:
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    NUMBER = "number"
    FILE = "file"


class _QuestionBlock(blocks.StructBlock):
    """What every question has: its wording (Japanese, English), a hint, and whether an answer is required."""

    label = blocks.CharBlock(label=_("question"), max_length=200)
    label_en = blocks.CharBlock(label=_("question (English)"), max_length=200, required=False)
    help_text = blocks.CharBlock(label=_("hint for the applicant"), max_length=300, required=False)
    required = blocks.BooleanBlock(
        label=_("required to submit"),
        required=False,
        help_text=_("A draft may leave it empty; the application cannot be submitted without it."),
    )


class ShortTextQuestionBlock(_QuestionBlock):
    class Meta:
        icon = "pilcrow"
        label = _("short text")


class LongTextQuestionBlock(_QuestionBlock):
    class Meta:
        icon = "doc-full"
        label = _("long text")


def _formatted(message, **params):
    """A message with numbers in it, translated when it is shown (the editor may read it in another language)."""
    return lazy(lambda: str(message) % params, str)()


def parse_choices(text: str) -> list[str]:
    """The options of a choice question, one per line, blank lines dropped, each stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ChoiceQuestionBlock(_QuestionBlock):
    choices = blocks.TextBlock(
        label=_("options"), help_text=_("One option per line; at least two, all different.")
    )

    class Meta:
        icon = "list-ul"
        label = _("choice")

    def clean(self, value):
        value = super().clean(value)
        options = parse_choices(value.get("choices"))
        error = None
        if len(options) < 2:
            error = _("Give at least two options, one per line.")
        elif len(options) > MAX_CHOICES:
            error = _formatted(_("Give at most %(count)d options."), count=MAX_CHOICES)
        elif len({o.casefold() for o in options}) != len(options):
            error = _("Each option must be different.")
        elif any(len(o) > CHOICE_MAX_CHARS for o in options):
            error = _formatted(_("Each option may be at most %(count)d characters."), count=CHOICE_MAX_CHARS)
        if error:
            raise StructBlockValidationError(block_errors={"choices": ValidationError(error)})
        return value


class NumberQuestionBlock(_QuestionBlock):
    min_value = blocks.IntegerBlock(label=_("smallest answer"), required=False)
    max_value = blocks.IntegerBlock(label=_("largest answer"), required=False)
    unit = blocks.CharBlock(
        label=_("unit"), max_length=20, required=False, help_text=_("For example 円 or 人.")
    )

    class Meta:
        icon = "order"
        label = _("number")

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_value"), value.get("max_value")
        if low is not None and high is not None and low > high:
            raise StructBlockValidationError(
                block_errors={
                    "max_value": ValidationError(_("The largest answer must not be below the smallest."))
                }
            )
        return value


class FileQuestionBlock(_QuestionBlock):
    class Meta:
        icon = "doc-empty"
        label = _("file")


class ApplicationQuestionsBlock(blocks.StreamBlock):
    short_text = ShortTextQuestionBlock()
    long_text = LongTextQuestionBlock()
    choice = ChoiceQuestionBlock()
    number = NumberQuestionBlock()
    file = FileQuestionBlock()

    class Meta:
        max_num = MAX_QUESTIONS
        required = False

    def value_from_datadict(self, data, files, prefix):
        # The editor always sends the list's count and each item's type; a request without them (a broken client,
        # a forged post) is answered with a form error, not a server error, and changes nothing.
        try:
            return super().value_from_datadict(data, files, prefix)
        except (KeyError, ValueError, TypeError):
            value = blocks.StreamValue(self, [])
            value.unreadable = True
            return value

    def clean(self, value):
        if getattr(value, "unreadable", False):
            raise blocks.StreamBlockValidationError(
                non_block_errors=ErrorList(
                    [ValidationError(_("The questions could not be read. Reload the page and try again."))]
                )
            )
        return super().clean(value)


@dataclass(frozen=True)
class Question:
    """One question as the applications app reads it (plain data: no block objects leave this module)."""

    id: str
    kind: str
    label: str
    label_en: str = ""
    help_text: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    unit: str = ""

    @property
    def display_label(self) -> str:
        """The wording in the reader's language (the Japanese when no English was written)."""
        return in_reader_language(self.label, self.label_en)


def questions_of(challenge) -> list[Question]:
    """The challenge's questions in the editor's order."""
    result = []
    for child in challenge.application_questions or []:
        value = child.value
        result.append(
            Question(
                id=str(child.id),
                kind=child.block_type,
                label=value.get("label") or "",
                label_en=value.get("label_en") or "",
                help_text=value.get("help_text") or "",
                required=bool(value.get("required")),
                choices=tuple(parse_choices(value.get("choices", "")))
                if child.block_type == "choice"
                else (),
                min_value=value.get("min_value"),
                max_value=value.get("max_value"),
                unit=value.get("unit") or "",
            )
        )
    return result
