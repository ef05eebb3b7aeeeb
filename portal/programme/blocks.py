"""StreamField blocks editors arrange on content and news pages; one template per block in templates/programme/blocks/."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("alternative text"), max_length=200, help_text=_("What the image shows, for screen readers.")
    )
    caption = blocks.CharBlock(label=_("caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "programme/blocks/image_with_caption.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    button_label = blocks.CharBlock(label=_("button label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("link to a page"), required=False)
    url = blocks.CharBlock(
        label=_("or a link"),
        max_length=300,
        required=False,
        help_text=_("A path such as /accounts/register/ or a full URL."),
    )

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "programme/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError({"url": ValidationError(_("Choose a page or enter a link."))})
        return value


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)


class StepListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Step list")
        template = "programme/blocks/step_list.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("answer"), features=RICH_TEXT_FEATURES)


class FaqBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)
    questions = blocks.ListBlock(QuestionBlock(), label=_("questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("FAQ accordion")
        template = "programme/blocks/faq.html"


class DocumentItemBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(label=_("label"), max_length=200, required=False)


class DocumentListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)
    documents = blocks.ListBlock(DocumentItemBlock(), label=_("documents"), min_num=1)

    class Meta:
        icon = "doc-full"
        label = _("Document list")
        template = "programme/blocks/document_list.html"


class FigureRowBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("item"), max_length=120)
    value = blocks.CharBlock(label=_("figure"), max_length=60)
    note = blocks.CharBlock(label=_("note"), max_length=200, required=False)


class FigureTableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(label=_("caption"), max_length=200)
    rows = blocks.ListBlock(FigureRowBlock(), label=_("rows"), min_num=1)
    source = blocks.CharBlock(label=_("source"), max_length=250, required=False)

    class Meta:
        icon = "table"
        label = _("Figure table")
        template = "programme/blocks/figure_table.html"


class ContentStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        label=_("Text"), features=RICH_TEXT_FEATURES, template="programme/blocks/rich_text.html"
    )
    image = ImageWithCaptionBlock()
    call_to_action = CallToActionBlock()
    steps = StepListBlock()
    faq = FaqBlock()
    documents = DocumentListBlock()
    figures = FigureTableBlock()

    class Meta:
        required = False
