"""Reading the coding workspace: a consultation's codebook with each theme's counts, how
far coding has gone (per consultation and per analyst), one item's codes, stance, notes and
assignee, the history of coding actions, and an analyst's assigned items. Every function
asks a fixed number of queries, however many items, codes or themes there are."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from consultation.feedback.links import item_page_url
from consultation.feedback.models import FeedbackItem
from consultation.models import Consultation
from consultation.synthesis.models import (
    AnalystNote,
    Coding,
    CodingAction,
    ItemReview,
    Stance,
    Theme,
)
from consultation.synthesis.review import working_group_members

HISTORY_PAGE_SIZE = 25
MY_ITEMS_PAGE_SIZE = 50


def analyst_name(user):
    """How the working group's pages name one of its members (staff see the email when
    there is no display name)."""
    if user is None:
        return "Someone no longer here"
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile and profile.display_name else "") or user.email


def _has_code(item_ref="pk"):
    return Exists(Coding.objects.filter(item=OuterRef(item_ref)))


def codebook(consultation):
    """The top-level themes of `consultation`, in order, each with `sub_themes` (in order),
    `code_count` (items coded with it) and `unused` (no item coded with it or any of its
    sub-themes); two queries' worth of work in one."""
    themes = list(
        Theme.objects.filter(consultation=consultation)
        .select_related("key_phrases")
        .annotate(code_count=Count("codings"))
    )
    children = {}
    for theme in themes:
        theme.sub_themes = []
        if theme.parent_id:
            children.setdefault(theme.parent_id, []).append(theme)
    tops = [theme for theme in themes if not theme.parent_id]
    for theme in tops:
        theme.sub_themes = children.get(theme.pk, [])
        for sub in theme.sub_themes:
            sub.unused = not sub.code_count
        theme.unused = not theme.code_count and all(sub.unused for sub in theme.sub_themes)
    return tops


def unused_count(themes):
    """How many of the codebook's themes (`codebook`'s, sub-themes included) are unused."""
    return sum(theme.unused + sum(sub.unused for sub in theme.sub_themes) for theme in themes)


def theme_choices(consultation):
    """(id, label) for every theme of the codebook, sub-themes after their theme and named
    "Theme: sub-theme"; for checkboxes."""
    choices = []
    for theme in codebook(consultation):
        choices.append((theme.pk, theme.name))
        choices += [(sub.pk, f"{theme.name}: {sub.name}") for sub in theme.sub_themes]
    return choices


@dataclass(frozen=True)
class Progress:
    """How many items of a consultation count in the analysis, and how many have a code."""

    total: int
    coded: int

    @property
    def uncoded(self):
        return self.total - self.coded

    @property
    def coded_percent(self):
        return round(100 * self.coded / self.total) if self.total else 0


def progress(consultation):
    """Coded and uncoded items of `consultation` (those that count in the analysis)."""
    counts = FeedbackItem.objects.filter(consultation=consultation, in_analysis=True).aggregate(
        total=Count("pk"), coded=Count("pk", filter=_has_code())
    )
    return Progress(total=counts["total"], coded=counts["coded"])


@dataclass
class AnalystCounts:
    user: object
    name: str
    codes: int = 0  # codes they applied that are still there
    assigned: int = 0
    assigned_coded: int = 0

    @property
    def assigned_uncoded(self):
        return self.assigned - self.assigned_coded


def analyst_counts(consultation):
    """One row per Working group member (and anyone else who coded or was assigned items
    here): codes applied by them, items assigned to them, and how many of those are coded.
    Three queries."""
    codes = dict(
        Coding.objects.filter(theme__consultation=consultation, coded_by__isnull=False)
        .values_list("coded_by")
        .annotate(n=Count("pk"))
    )
    assigned = {
        row["assignee"]: row
        for row in ItemReview.objects.filter(
            item__consultation=consultation, assignee__isnull=False
        )
        .values("assignee")
        .annotate(total=Count("pk"), coded=Count("pk", filter=_has_code("item")))
    }
    people = get_user_model().objects.filter(
        Q(pk__in=working_group_members().values("pk")) | Q(pk__in=[*codes, *assigned])
    )
    rows = []
    for user in people.select_related("profile"):
        row = AnalystCounts(user=user, name=analyst_name(user), codes=codes.get(user.pk, 0))
        if user.pk in assigned:
            row.assigned = assigned[user.pk]["total"]
            row.assigned_coded = assigned[user.pk]["coded"]
        rows.append(row)
    return sorted(rows, key=lambda row: row.name.lower())


@dataclass
class ConsultationProgress:
    consultation: Consultation
    progress: Progress
    theme_count: int


def consultations_with_progress():
    """Every consultation with its coded and uncoded counts and number of themes; two
    queries."""
    consultations = Consultation.objects.annotate(
        theme_count=Count("themes", distinct=True)
    ).order_by("title")
    counts = {
        row["consultation"]: row
        for row in FeedbackItem.objects.filter(in_analysis=True)
        .values("consultation")
        .annotate(total=Count("pk"), coded=Count("pk", filter=_has_code()))
    }
    return [
        ConsultationProgress(
            consultation=consultation,
            progress=Progress(
                total=counts.get(consultation.pk, {}).get("total", 0),
                coded=counts.get(consultation.pk, {}).get("coded", 0),
            ),
            theme_count=consultation.theme_count,
        )
        for consultation in consultations
    ]


@dataclass
class ItemCoding:
    """What the item page shows of the coding: the codebook to choose from, the item's
    codes (with who and how), its stance and assignee, its notes, and who it can be
    assigned to."""

    codes: list
    uncoded_choices: list
    review: ItemReview | None
    notes: list
    members: list = field(default_factory=list)

    @property
    def stance(self):
        return self.review.stance if self.review else ""

    @property
    def stance_label(self):
        return Stance(self.stance).label if self.stance else "Not set"

    @property
    def assignee(self):
        return self.review.assignee if self.review else None

    @property
    def assignee_name(self):
        return analyst_name(self.assignee)


def item_coding(item):
    """The coding of one item (FeedbackItem); six queries."""
    codes = list(
        Coding.objects.filter(item=item)
        .select_related("theme__parent", "coded_by__profile")
        .order_by("theme__parent__name", "theme__name")
    )
    for code in codes:
        code.coder_name = analyst_name(code.coded_by) if code.coded_by_id else "Nobody named"
    coded = {code.theme_id for code in codes}
    choices = [(pk, label) for pk, label in theme_choices(item.consultation) if pk not in coded]
    review = ItemReview.objects.select_related("assignee__profile").filter(item=item).first()
    notes = list(AnalystNote.objects.filter(item=item).select_related("author__profile"))
    for note in notes:
        note.author_name = analyst_name(note.author)
    members = [(user.pk, analyst_name(user)) for user in working_group_members()]
    return ItemCoding(
        codes=codes,
        uncoded_choices=choices,
        review=review,
        notes=notes,
        members=members,
    )


def with_themes(items):
    """Give each of `items` (a page of results) `coded_themes`, its themes by name; one
    query."""
    found = {}
    codes = Coding.objects.filter(item_id__in=[item.pk for item in items])
    for code in codes.select_related("theme__parent").order_by("theme__name"):
        found.setdefault(code.item_id, []).append(code.theme)
    for item in items:
        item.coded_themes = found.get(item.pk, [])
    return items


def coding_consultation(query, results):
    """The consultation a search's results can be coded in: the one ticked in the
    consultation filter, or the only one the results come from; None when they span
    several (a codebook belongs to one consultation)."""
    ticked = query.selected("consultation")
    if len(ticked) == 1:
        pk = int(ticked[0])
    elif not ticked:
        facet = results.facet("consultation")
        values = [value for value in (facet.values if facet else ()) if value.count]
        if len(values) != 1:
            return None
        pk = int(values[0].value)
    else:
        return None
    return Consultation.objects.filter(pk=pk).first()


def history(consultation, page_number):
    """A page of `consultation`'s coding actions, newest first, each with its themes and
    actor; three queries."""
    actions = (
        CodingAction.objects.filter(consultation=consultation)
        .select_related("actor__profile", "undone_by__profile")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.select_related("parent")))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(actions, HISTORY_PAGE_SIZE).get_page(page_number)
    for action in page.object_list:
        action.actor_name = analyst_name(action.actor)
        action.undone_by_name = analyst_name(action.undone_by) if action.undone_by_id else ""
    return page


def my_items(user, page_number):
    """A page of the items assigned to `user` (newest first), each with `coded`, its
    stance, and `page_url`; and the counts (assigned, coded). Four queries."""
    reviews = ItemReview.objects.filter(assignee=user)
    counts = reviews.aggregate(total=Count("pk"), coded=Count("pk", filter=_has_code("item")))
    listed = (
        reviews.select_related("item__consultation", "item__section")
        .annotate(coded=_has_code("item"))
        .order_by("-item__created_at", "-item_id")
    )
    page = Paginator(listed, MY_ITEMS_PAGE_SIZE).get_page(page_number)
    for review in page.object_list:
        review.page_url = item_page_url(review.item_id)
    return page, Progress(total=counts["total"], coded=counts["coded"])
