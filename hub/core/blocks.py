"""StreamField blocks shared by the public pages.

Every block in a StreamField carries a UUID that Wagtail keeps when the block is edited or
moved; a section's paragraphs use it as their stable id, the anchor for comments.

Only what a reader sees is indexed for search: settings such as a heading's level are left
out of the index (`search_index=False`), and a test walks every block to hold that line.
"""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    # The level is page furniture: readers never see "Heading 2", so search must not find it.
    level = blocks.ChoiceBlock(
        choices=[("h2", "Heading 2"), ("h3", "Heading 3")], default="h2", search_index=False
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"


class InsetBlock(blocks.StructBlock):
    """Text set apart from the body (the NHS.UK inset text component)."""

    text = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "pick"
        template = "blocks/inset.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False)

    class Meta:
        icon = "link"
        template = "blocks/call_to_action.html"


class SectionBodyBlock(blocks.StreamBlock):
    """The body of a strategy section. Paragraph, inset and quote blocks can be commented on."""

    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, template="blocks/paragraph.html")
    heading = HeadingBlock()
    inset = InsetBlock()
    quote = QuoteBlock()

    commentable_types = ("paragraph", "inset", "quote")


class ContentBlock(blocks.StreamBlock):
    """The body of ordinary pages (updates, get involved, standard pages)."""

    paragraph = blocks.RichTextBlock(
        features=[*PARAGRAPH_FEATURES, "h2", "h3"], template="blocks/paragraph.html"
    )
    heading = HeadingBlock()
    inset = InsetBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    embed = EmbedBlock(help_text="A video or other embed; give a transcript link beside it.")
