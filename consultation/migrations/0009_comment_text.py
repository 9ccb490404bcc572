"""Keep what people typed beside the HTML made from it: `text` on comments and on the
earlier versions of edited ones.

Rows written before this have only their HTML, so their text is worked out from it, once,
here, with the conversion the edit form used until then (a frozen copy: the application
no longer turns HTML back into text). For the HTML the typed format produces, turning the
text back into HTML gives the same HTML (tests/consultation/test_formatting.py)."""

from html.parser import HTMLParser

from django.db import migrations, models

BATCH = 2000


class _TextWriter(HTMLParser):
    """Walks the small set of tags the LIGHT profile allows and writes the typed format."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.current = ""
        self.lists = []
        self.in_quote = False

    def _end_block(self):
        if self.current.strip():
            text = self.current.strip("\n ")
            if self.in_quote:
                text = "\n".join("> " + line for line in text.split("\n"))
            self.blocks.append(text)
        self.current = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "blockquote"):
            self._end_block()
            if tag == "blockquote":
                self.in_quote = True
        elif tag == "br":
            self.current += "\n"
        elif tag in ("strong", "b"):
            self.current += "**"
        elif tag in ("em", "i"):
            self.current += "*"
        elif tag in ("ul", "ol"):
            self._end_block()
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            self.lists[-1][1] += 1
            kind, number = self.lists[-1]
            if self.current:
                self.current += "\n"
            self.current += "- " if kind == "ul" else f"{number}. "

    def handle_endtag(self, tag):
        if tag in ("strong", "b"):
            self.current += "**"
        elif tag in ("em", "i"):
            self.current += "*"
        elif tag == "p":
            self._end_block()
        elif tag == "blockquote":
            self._end_block()
            self.in_quote = False
        elif tag in ("ul", "ol"):
            self._end_block()
            if self.lists:
                self.lists.pop()

    def handle_data(self, data):
        self.current += data

    def text(self):
        self._end_block()
        return "\n\n".join(self.blocks)


def to_text(html_text):
    """The typed format of stored HTML (what the edit form showed before the text was kept)."""
    writer = _TextWriter()
    writer.feed(html_text or "")
    writer.close()
    return writer.text()


def _fill(model):
    rows = model.objects.filter(text="").exclude(body="").only("pk", "body").order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        row.text = to_text(row.body)
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_update(batch, ["text"])
            batch = []
    model.objects.bulk_update(batch, ["text"])


def fill_text(apps, schema_editor):
    _fill(apps.get_model("consultation", "Comment"))
    _fill(apps.get_model("consultation", "CommentEdit"))


class Migration(migrations.Migration):

    dependencies = [
        ("consultation", "0008_comment_author_is_organisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="text",
            field=models.TextField(blank=True, help_text="What the author typed, cleaned."),
        ),
        migrations.AddField(
            model_name="commentedit",
            name="text",
            field=models.TextField(blank=True, help_text="What the author had typed."),
        ),
        migrations.RunPython(fill_text, migrations.RunPython.noop),
    ]
