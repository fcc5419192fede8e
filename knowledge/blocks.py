"""StreamField blocks for case study bodies and plain pages."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "knowledge/blocks/heading.html"
        form_classname = "title"


class FigureBlock(blocks.StructBlock):
    """An image with its caption and credit, rendered as a responsive <figure>."""

    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=300, label=_("Caption"))
    credit = blocks.CharBlock(required=False, max_length=200, label=_("Credit"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "knowledge/blocks/figure.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, max_length=200, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "knowledge/blocks/quote.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(required=False, max_length=200, help_text=_("Defaults to the document's title."))

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "knowledge/blocks/document.html"


TABLE_OPTIONS = {"language": "en-US"}


class CaseStudyBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Paragraph"))
    image = FigureBlock()
    quote = QuoteBlock()
    # Handsontable, the table editor, names its languages "en-US"; Wagtail passes the interface's
    # language ("en"), which it does not know (a console error on every table). Wagtail ships only
    # its English dictionary; the table's own labels follow the interface language regardless.
    table = TableBlock(label=_("Table"), template="knowledge/blocks/table.html", table_options=TABLE_OPTIONS)
    document = DocumentLinkBlock()

    class Meta:
        required = True

    def clean(self, value):
        value = super().clean(value)
        # An empty paragraph is still markup (<p></p>): require words a reader can read.
        readable = any(
            strip_tags(str(part)).strip()
            for child in value
            if child.block_type in ("paragraph", "quote", "table", "heading")
            for part in child.block.get_searchable_content(child.value)
        )
        if not readable and not self.is_deferred_validation:  # a draft may have no text yet
            raise blocks.StreamBlockValidationError(
                non_block_errors=ErrorList([ValidationError(_("Write the case study: the body has no text yet."))])
            )
        return value


class PageBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=[*RICH_TEXT_FEATURES, "h2", "h3"], label=_("Paragraph"))
    image = FigureBlock()
    quote = QuoteBlock()
