"""Site search over the public pages (sections, updates, library resources and the rest).

One function, `site_search`, takes what the visitor typed and returns plain result objects.
It runs on whichever Wagtail search backend is configured (the database backend by default,
Elasticsearch when ELASTICSEARCH_URL is set) and never asks which one is live.

What the visitor types is reduced to words before any backend sees it: control and
invisible characters go, the length is capped, and only runs of letters and digits are kept.
Quotes, brackets and other search syntax are therefore plain text here; that is what keeps
every backend's query parser (SQLite FTS5 in particular) out of reach of input. The
operators AND, OR, NOT and NEAR typed in capitals are syntax, not words, and are dropped: a
query of nothing but operators searches for nothing (and says so) rather than for "and",
which every page contains.
Highlighting is done here too, the same way for every backend: the text is split at the
matches and each piece is escaped before <mark> is put around the matching ones.
"""

import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.index import SearchField
from wagtail.search.query import PlainText
from wagtail.search.utils import normalise_query_string

from hub.core.dates import human_date
from hub.core.page_cache import CONTENT_MEMO_SECONDS, ProcessMemo, memo
from hub.core.sanitise import strip_invisible, visible_text

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_TERMS = 32
RESULTS_PER_PAGE = 10
MAX_MATCHES = 500  # a filtered listing (the library) considers at most this many matches
SNIPPET_LENGTH = 240
_WORD = re.compile(r"\w+")
# Common English words are left out of the search (unless nothing else is left): with every
# word required they would otherwise narrow results on SQLite and Elasticsearch, while
# PostgreSQL's English configuration ignores them; this keeps the backends alike. It also
# makes typed operators (AND, OR, NOT) harmless words.
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have"}
    | {"in", "into", "is", "it", "its", "not", "of", "on", "or", "so", "that", "the"}
    | {"their", "there", "these", "this", "to", "was", "were", "which", "will", "with"}
)

# Searches people make: one entry per query and page a process keeps for a generation.
_searches = ProcessMemo(limit=500)


@dataclass(frozen=True)
class CleanQuery:
    text: str  # what is shown back in the search box
    terms: tuple  # the words searched for, lower case, in order, without repeats
    truncated: bool  # the visitor typed more than MAX_QUERY_LENGTH characters
    had_operators: bool = False  # AND, OR, NOT or NEAR were typed (and left out)

    def __bool__(self):
        return bool(self.terms)

    @property
    def search_string(self):
        return " ".join(self.terms)


def clean_query(raw):
    """What the visitor typed, made safe to search for and to log."""
    text = " ".join(strip_invisible(raw or "").split())
    truncated = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    typed = _WORD.findall(text)
    words = tuple(dict.fromkeys(word.lower() for word in typed if word not in OPERATORS))
    terms = tuple(word for word in words if word not in STOP_WORDS) or words
    terms = terms[:MAX_TERMS]
    had_operators = any(word in OPERATORS for word in typed)
    return CleanQuery(text=text, terms=terms, truncated=truncated, had_operators=had_operators)


def query_messages(cleaned, *, empty_message):
    """What to tell the visitor about how their words were read: `empty_message` when
    nothing searchable is left, and that operators are not needed when they typed some."""
    messages = []
    if cleaned.text and not cleaned:
        messages.append(empty_message)
    if cleaned.had_operators:
        messages.append(OPERATORS_MESSAGE)
    return messages


OPERATORS_MESSAGE = "You do not need AND, OR or NOT: search finds what has every word you enter."


# -- highlighting ---------------------------------------------------------------------------


def _match_pattern(terms):
    if not terms:
        return None
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    # A term matches at the start of a word, and the rest of that word is marked with it.
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)


def highlight(text, terms):
    """`text` as safe HTML: every piece escaped, words starting with a term wrapped in <mark>."""
    text = text or ""
    pattern = _match_pattern(terms)
    if pattern is None:
        return escape(text)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece was escaped above


def snippet(text, terms, length=SNIPPET_LENGTH):
    """A highlighted extract of `text` around the first matching word (or its start)."""
    text = " ".join((text or "").split())
    pattern = _match_pattern(terms)
    match = pattern.search(text) if pattern else None
    start = 0
    if match and match.start() > length // 3:
        start = text.rfind(" ", 0, match.start() - length // 3) + 1
    end = start + length
    if end < len(text):
        end = max(text.rfind(" ", start, end), start + length // 2)
    extract = text[start:end]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{highlight(extract, terms)}{suffix}")  # noqa: S308 - escaped


# -- kinds of result ----------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    plural: str


KINDS = (
    Kind("section", "Section", "Strategy sections"),
    Kind("update", "Update", "Progress updates"),
    Kind("resource", "Resource", "Library resources"),
    Kind("page", "Page", "Other pages"),
)
KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}


def _kind_models():
    from hub.pages.models import SectionPage, UpdatePage
    from knowledge.models import ResourcePage

    return {"section": SectionPage, "update": UpdatePage, "resource": ResourcePage}


def kind_of(page):
    """The Kind a page belongs to (read from its content type: no query)."""
    page_class = page.specific_class or type(page)
    for slug, model in _kind_models().items():
        if issubclass(page_class, model):
            return KINDS_BY_SLUG[slug]
    return KINDS_BY_SLUG["page"]


def searchable_pages(kind=None):
    """Live, public pages of one kind (or all kinds)."""
    pages = Page.objects.live().public().filter(depth__gt=1)
    models = _kind_models()
    if kind in models:
        return pages.type(models[kind])
    if kind == "page":
        return pages.not_type(*models.values())
    return pages


# -- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    title: str  # safe HTML, highlighted
    url: str
    kind: Kind
    detail: str  # plain text under the title: a resource's type and date, an update's date
    snippet: str  # safe HTML, highlighted
    promoted: bool = False


@dataclass
class SearchOutcome:
    query: CleanQuery
    kind: Kind | None
    hits: list = field(default_factory=list)
    promotions: list = field(default_factory=list)
    page: object = None  # the paginator's page, for the pagination links
    total: int = 0
    messages: list = field(default_factory=list)
    failed: bool = False


def site_search(*, query, kind=None, page_number=None, backend=None, log=True):
    """Search the site for what the visitor typed (`query`, raw) and return a SearchOutcome.

    `kind` is one of KINDS' slugs or None for everything; an unknown kind means everything,
    with a message. Promoted results come first on the first page and are left out of the
    results on every page. The query is logged for Wagtail's promoted results (first page
    only). `page_number` is what the visitor sent: see `normalised_page_number`.
    """
    cleaned = clean_query(query)
    outcome = SearchOutcome(query=cleaned, kind=KINDS_BY_SLUG.get(kind or ""))
    if kind and outcome.kind is None:
        outcome.messages.append("That type of result is not one we know, so all types are shown.")
    if cleaned.truncated:
        outcome.messages.append(
            f"Your search was shortened to its first {MAX_QUERY_LENGTH} characters."
        )
    outcome.messages += query_messages(
        cleaned, empty_message="Enter words or numbers to search for."
    )
    if not cleaned:
        return outcome

    kind_slug = outcome.kind.slug if outcome.kind else None
    number = normalised_page_number(page_number)
    first_page = number == 1

    def found():
        with transaction.atomic():
            # Promoted pages are left out of the results on every page, not only the first
            # where they are shown, so the pages of results neither repeat nor skip one.
            promotions = promotions_for(cleaned, kind=kind_slug)
            promoted_ids = [promotion.page_id for promotion in promotions if promotion.page_id]
            results = build_search(
                cleaned, kind=kind_slug, exclude=promoted_ids, backend=backend or searcher
            )
            paginator = Paginator(results, RESULTS_PER_PAGE)
            page = paginator.get_page(number)
            hits = _hits(list(page.object_list), cleaned.terms)
            promoted = [_promotion_hit(p, cleaned.terms) for p in promotions] if first_page else []
            return paginator.count, page.number, hits, promoted

    searcher = None
    try:
        if backend is None:
            # What a search finds is the same for everyone until something is published
            # (or a promotion changes): worked out once per generation of the page cache.
            searcher = get_search_backend()
            key = hashlib.sha256(cleaned.text.encode()).hexdigest()
            total, shown_number, outcome.hits, outcome.promotions = memo(
                f"knowledge:search:{key}:{kind_slug}:{number}",
                found,
                timeout=CONTENT_MEMO_SECONDS,
                store=_searches,
            )
        else:
            total, shown_number, outcome.hits, outcome.promotions = found()
        outcome.total = total
        # Only the pagination links read the page: a page of a range of that length.
        outcome.page = Paginator(range(total), RESULTS_PER_PAGE).get_page(shown_number)
    except Exception:  # the engine may be down or reject a query: never a server error
        logger.exception("Site search failed for a query of %d characters", len(cleaned.text))
        outcome.failed = True
        outcome.hits, outcome.promotions, outcome.total = [], [], 0
        return outcome
    if log and first_page:
        log_query(cleaned)
    return outcome


def normalised_page_number(raw):
    """The page asked for, as a number from 1: what is not a whole number ("junk", "",
    None) asks for the first page, and so does "01". The paginator shows the last page for
    a number past the end."""
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def build_search(cleaned, *, kind=None, exclude=(), backend=None):
    """The backend's (lazy) results for a cleaned query over pages of one kind or all;
    nothing is sent to the engine until they are read."""
    backend = backend or get_search_backend()
    pages = searchable_pages(kind)
    if exclude:
        pages = pages.exclude(pk__in=list(exclude))
    return backend.search(backend_query(cleaned), pages)


def matching_ids(cleaned, queryset, *, backend=None, limit=MAX_MATCHES):
    """The ids of objects in `queryset` matching the query, best first, and whether the
    search failed (the caller then shows a message, never an error page)."""
    backend = backend or get_search_backend()
    try:
        with transaction.atomic():
            results = backend.search(backend_query(cleaned), queryset)[:limit]
            return [found.pk for found in results], False
    except Exception:  # the engine may be down or reject a query: never a server error
        logger.exception("Search failed for a query of %d characters", len(cleaned.text))
        return [], True


def backend_query(cleaned):
    """Every word must match. The words are plain \\w+ runs: no backend sees any syntax."""
    return PlainText(cleaned.search_string, operator="and")


def promotions_for(cleaned, *, kind=None):
    """Editors' promoted results for this query: pages that ordinary results could show
    (live, public, of the kind asked for) and, when every kind is asked for, external links.
    A promotion never shows a page the visitor could not find by searching."""
    promotions = list(
        SearchPromotion.objects.filter(query__query_string=_logged_text(cleaned))
        .select_related("page")
        .order_by("sort_order", "pk")
    )
    page_ids = [promotion.page_id for promotion in promotions if promotion.page_id]
    shown = set()
    if page_ids:
        shown = set(searchable_pages(kind).filter(pk__in=page_ids).values_list("pk", flat=True))
    return [
        promotion
        for promotion in promotions
        if promotion.page_id in shown
        or (promotion.page_id is None and kind is None and promotion.external_link_url)
    ]


def log_query(cleaned):
    """Count the search in Wagtail's query log, which editors use to choose promotions."""
    try:
        with transaction.atomic():
            Query.get(_logged_text(cleaned)).add_hit()
    except DatabaseError:
        logger.exception("Could not log a search query")


def _logged_text(cleaned):
    # Lower-case before cutting: some characters grow when lower-cased, and the log's
    # column holds 255 characters.
    return normalise_query_string(cleaned.text.lower()[:MAX_QUERY_LENGTH])


def _hits(found, terms):
    pages = Page.objects.filter(pk__in=[page.pk for page in found]).specific()
    specific = {page.pk: page for page in pages}
    hits = []
    for result in found:
        page = specific.get(result.pk)
        if page is None:
            continue
        hits.append(
            Hit(
                title=highlight(page.title, terms),
                url=page.url or "",
                kind=kind_of(page),
                detail=_detail(page),
                snippet=snippet(page_text(page), terms),
            )
        )
    return hits


def _promotion_hit(promotion, terms):
    if promotion.page_id:
        page = promotion.page.specific
        return Hit(
            title=highlight(page.title, terms),
            url=page.url or "",
            kind=kind_of(page),
            detail=_detail(page),
            snippet=snippet(promotion.description or page_text(page), terms),
            promoted=True,
        )
    return Hit(
        title=highlight(promotion.external_link_text or promotion.external_link_url, terms),
        url=promotion.external_link_url,
        kind=KINDS_BY_SLUG["page"],
        detail="External website",
        snippet=snippet(promotion.description, terms),
        promoted=True,
    )


def _detail(page):
    from knowledge.models import ResourcePage

    if isinstance(page, ResourcePage):
        parts = [page.get_resource_type_display(), page.display_date]
        return ", ".join(part for part in parts if part)
    date = getattr(page, "date", None)
    return human_date(date)


def page_text(page):
    """The text of a page's indexed fields (not its title), as a reader sees it."""
    parts = [page.search_description]
    for search_field in page.get_searchable_search_fields():
        if not isinstance(search_field, SearchField) or search_field.field_name == "title":
            continue
        parts.extend(_strings(search_field.get_value(page)))
    return " ".join(visible_text(part) if "<" in part else part for part in parts if part)


def _strings(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return [str(value)]
