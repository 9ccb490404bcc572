"""Factories for the consultation models. Comments get the anchoring a real one has (the
section's live revision and the paragraph's fingerprint) and their feedback item."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from consultation import anchoring, formatting
from consultation.feedback import sync as feedback_sync
from consultation.models import Comment, Consultation, Kind, Status, Topic
from hub.core.sanitise import visible_text
from tests.support.factories import ProfileFactory


class ConsultationFactory(DjangoModelFactory):
    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Consultation {n}")
    slug = factory.Sequence(lambda n: f"consultation-{n}")
    summary = "Tell us what you think of the draft."
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=5))

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        if create and extracted:
            self.sections.add(*extracted)


def stored_words(*, text, body):
    """The text and the HTML a contribution keeps: made from `text` as the services make
    them, or, where a test names the HTML, its words as the text."""
    if text is not None:
        return {"text": formatting.clean_text(text), "body": formatting.to_html(text)}
    return {"text": " ".join(visible_text(body).split()), "body": body}


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"Topic {n}")
    description = "What should the strategy say about this?"


def paragraph_ids(section):
    return [paragraph.id for paragraph in section.paragraphs()]


def comment_on(
    section,
    *,
    consultation,
    author=None,
    paragraph_id=None,
    body="<p>A view.</p>",
    text=None,
    status=Status.PUBLISHED,
    parent=None,
    created_at=None,
):
    """A comment saved directly (no rules), anchored and described like a real one, with
    its feedback item."""
    author = author or ProfileFactory().user
    marks = anchoring.fingerprints(section)
    if paragraph_id is None:
        paragraph_id = section.paragraphs()[0].id
    if parent is not None:
        paragraph_id = parent.paragraph_id
    comment = Comment.objects.create(
        consultation=consultation,
        kind=Kind.COMMENT,
        section=section,
        paragraph_id=paragraph_id,
        revision_id=section.live_revision_id,
        text_fingerprint=marks.get(paragraph_id, ""),
        parent=parent,
        root_id=(parent.root_id or parent.pk) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author=author,
        **Comment.facets_of(author),
        **stored_words(text=text, body=body),
        status=status,
        created_at=created_at or timezone.now(),
    )
    feedback_sync.comment_created(comment)
    return comment


def post_in(
    topic,
    *,
    author=None,
    title="A discussion",
    body="<p>Let us talk.</p>",
    text=None,
    status=Status.PUBLISHED,
    parent=None,
):
    author = author or ProfileFactory().user
    post = Comment.objects.create(
        consultation=topic.consultation,
        kind=Kind.POST,
        topic=topic,
        title="" if parent else title,
        parent=parent,
        root_id=(parent.root_id or parent.pk) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author=author,
        **Comment.facets_of(author),
        **stored_words(text=text, body=body),
        status=status,
        created_at=timezone.now(),
    )
    feedback_sync.comment_created(post)
    return post


def consultation_on(*sections, slug="draft", **fields):
    """An open consultation on the given sections."""
    consultation = ConsultationFactory(slug=slug, **fields)
    consultation.sections.add(*sections)
    return consultation
