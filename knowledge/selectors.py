"""Read-only queries of the knowledge library. Query counts do not grow with the number of
resources: tags and section links are prefetched, options come from one query each."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Prefetch, When
from taggit.models import Tag

from hub.core.page_cache import CONTENT_MEMO_SECONDS, memo
from hub.pages.restrictions import public
from knowledge.embeds import video_embed_html
from knowledge.forms import RELEVANCE, SORT_CHOICES, LibraryFilterForm
from knowledge.models import ResourcePage, ResourceSection, ResourceType
from knowledge.search import MAX_QUERY_LENGTH, clean_query, matching_ids, query_messages

PAGE_SIZE = 10
NEWEST_FIRST = (F("publication_date").desc(nulls_last=True), "-first_published_at", "pk")


def live_section_links():
    """Prefetch of a resource's links to live, public sections, as `live_section_links`."""
    links = ResourceSection.objects.filter(section__live=True).select_related("section")
    return Prefetch(
        "section_links",
        queryset=public(links, path_field="section__path").order_by("section__path"),
        to_attr="live_section_links",
    )


def live_resources():
    return public(ResourcePage.objects.live())


def evidence_for_section(*, section):
    """Live library resources that support a strategy section, newest first."""
    return list(
        live_resources().filter(section_links__section_id=section.pk).order_by(*NEWEST_FIRST)
    )


def sections_citing(*, resource):
    """Live strategy sections a resource supports, in the strategy's order."""
    from hub.pages.models import SectionPage

    return list(
        public(SectionPage.objects.live())
        .filter(evidence_links__resource_id=resource.pk)
        .order_by("path")
    )


def resource_detail(*, resource):
    """What a resource page shows besides the resource's own fields."""
    embed = ""
    if resource.is_video and resource.external_url:
        embed = video_embed_html(url=resource.external_url, title=f"Video: {resource.title}")
    return {"sections": sections_citing(resource=resource), "embed_html": embed}


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    chosen: bool


def _facets(in_library):
    """The topics and years the library's filter offers."""
    topics = list(
        Tag.objects.filter(knowledge_resourcepagetag_items__content_object__in=in_library)
        .distinct()
        .order_by("name")
    )
    years = [day.year for day in in_library.dates("publication_date", "year", order="DESC")]
    return topics, years


def library_listing(*, library, params):
    """One page of the library's resources, filtered and sorted as `params` (a QueryDict) ask,
    with everything the filter form needs. Values that are not valid are ignored."""
    in_library = live_resources().descendant_of(library)
    topics, years = memo(f"knowledge:facets:{library.pk}", lambda: _facets(in_library))
    form = LibraryFilterForm(params, topics=topics, years=years)
    values, ignored = form.usable_values()
    query = clean_query(params.get("q", ""))
    messages = [
        f"The “{label}” filter had a value we do not know, so that value was ignored."
        for label in ignored
    ]
    if query.truncated:
        messages.append(
            f"Your search words were shortened to their first {MAX_QUERY_LENGTH} characters."
        )
    messages += query_messages(query, empty_message="Enter words or numbers to search the library.")

    resources = in_library
    if values["type"]:
        resources = resources.filter(resource_type__in=values["type"])
    if values["topic"]:
        resources = resources.filter(tags__slug=values["topic"])
    if values["year"]:
        resources = resources.filter(publication_date__year=values["year"])

    sort = values["sort"] or (RELEVANCE[0] if query else "newest")
    ordering = {"title": ("title", "pk")}.get(sort, NEWEST_FIRST)
    search_failed = False
    if query:
        # Search backends filter on indexed fields only: Wagtail's own .public() here.
        searchable = ResourcePage.objects.live().public().descendant_of(library)
        ids, search_failed = matching_ids(query, searchable)
        resources = resources.filter(pk__in=ids)
        if sort == RELEVANCE[0] and ids:
            rank = Case(
                *(When(pk=pk, then=position) for position, pk in enumerate(ids)),
                output_field=IntegerField(),
            )
            resources = resources.annotate(rank=rank)
            ordering = ("rank", "pk")
    elif sort == RELEVANCE[0]:
        sort = "newest"

    resources = resources.order_by(*ordering).prefetch_related("tags", live_section_links())
    if not (query or values["type"] or values["topic"] or values["year"]):
        # The whole library in one order, the same for everyone until something is
        # published: read once per generation of the page cache, then paged in memory.
        resources = memo(
            f"knowledge:listing:{library.pk}:{sort}",
            lambda: list(resources),
            timeout=CONTENT_MEMO_SECONDS,
        )
    paginator = Paginator(resources, PAGE_SIZE)
    page = paginator.get_page(params.get("page"))

    chosen_types = values["type"] or []
    sort_choices = [*SORT_CHOICES, RELEVANCE] if query else SORT_CHOICES
    kept = [("q", query.text)] if query.text else []
    kept += [("type", value) for value in chosen_types]
    kept += [(name, values[name]) for name in ("topic", "year") if values[name]]
    if values["sort"]:
        kept.append(("sort", values["sort"]))
    return {
        "resources": page,
        "result_count": paginator.count,
        "query": query,
        "search_failed": search_failed,
        "filter_messages": messages,
        "filters_active": bool(query.text or chosen_types or values["topic"] or values["year"]),
        "query_prefix": urlencode(kept),
        "type_options": [
            Option(value, label, value in chosen_types) for value, label in ResourceType.choices
        ],
        "topic_options": [
            Option(tag.slug, tag.name, tag.slug == values["topic"]) for tag in topics
        ],
        "year_options": [Option(str(year), str(year), year == values["year"]) for year in years],
        "sort_options": [Option(value, label, value == sort) for value, label in sort_choices],
    }
