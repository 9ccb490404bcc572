"""Elasticsearch for feedback search: the index and its explicit mapping, the query body
built from a FeedbackQuery, and the answer read back into SearchResults.

The only module that imports elasticsearch (ruff's banned-import rule holds the line).
The text a person typed reaches Elasticsearch only as values of `match`, `match_phrase`,
`match_bool_prefix` and `prefix` queries, never through `query_string` or
`simple_query_string`, which would read it as syntax.

The text field is analysed like the SQLite index: English stemming (porter) with case and
diacritics folded, and the same stop words as PostgreSQL (`query.STOP_WORDS`). A prefix
(`robot*`) is a `match_bool_prefix`, so the typed prefix is stemmed as SQLite and
PostgreSQL stem it; a prefix made of a stop word (`the*`) is a `prefix` query, which the
analyser cannot remove. Facet counts follow the disjunctive rule in `types`: the ticked
values go in `post_filter`, and each facet's aggregation is filtered by the other facets.
"""

import elastic_transport
from django.conf import settings
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.helpers import bulk, streaming_bulk
from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Keyword,
    Long,
    MetaField,
    Search,
    Text,
    analyzer,
    token_filter,
)

from consultation.search.highlight import EXTRACT_LENGTH, MARK_END, MARK_START, marked_to_html
from consultation.search.query import STOP_WORDS, Phrase, is_common
from consultation.search.types import (
    FACET_SIZE,
    FACETS,
    FACETS_BY_NAME,
    NONE,
    FacetCounts,
    Hit,
    SearchResults,
)

TEXT_FIELD = "text"
REQUEST_TIMEOUT = 5  # seconds; the caller falls back to the database when it runs out
# What the client raises when the engine is down, unreachable or refuses a request: the
# caller answers from the database instead (consultation.search.engine).
UNAVAILABLE = (ApiError, elastic_transport.TransportError)

feedback_english = analyzer(
    "feedback_english",
    tokenizer="standard",
    filter=[
        token_filter("feedback_possessive", type="stemmer", language="possessive_english"),
        "lowercase",
        token_filter("feedback_stop", type="stop", stopwords=sorted(STOP_WORDS)),
        "asciifolding",
        token_filter("feedback_stemmer", type="stemmer", language="english"),
    ],
)


class FeedbackDocument(Document):
    """One feedback item in the index; its document id is the item's id."""

    item_id = Long()  # also the tie-break of every sort (sorting on _id is not allowed)
    text = Text(analyzer=feedback_english)
    consultation = Keyword()
    section = Keyword()
    paragraph = Keyword()
    theme = Keyword(multi=True)  # its themes' ids and their parents'; "none" for none
    stance = Keyword()  # "none" when not set
    source_kind = Keyword()
    channel = Keyword()
    sector = Keyword()
    region = Keyword()
    organisation = Keyword()
    respondent_type = Keyword()
    answer = Keyword(multi=True)  # "<question id>:<option id>" of its respondent's answers
    moderation_state = Keyword()
    in_analysis = Boolean()
    created_at = Date()

    class Index:
        name = "feedback"  # the real name: index_name(); see feedback_index()
        settings = {"number_of_shards": 1}

    class Meta:
        dynamic = MetaField("strict")  # a field not in the mapping is an error, not a guess


def index_name():
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}_feedback"


def feedback_index(name=None):
    """The feedback index (settings, analysis and mapping) under `name`."""
    return FeedbackDocument._index.clone(name=name or index_name())


def client():
    """A client for ELASTICSEARCH_URL (it connects only when asked something)."""
    return Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=REQUEST_TIMEOUT)


def document_action(values, index):
    """A bulk `index` action (for elasticsearch.helpers.bulk) for one item: `values`
    holds item_id and the mapped fields; a field the mapping lacks raises ValueError."""
    unknown = set(values) - set(FeedbackDocument._doc_type.mapping)
    if unknown:
        raise ValueError(f"Fields not in the mapping: {sorted(unknown)}")
    document = FeedbackDocument(meta={"id": str(values["item_id"])}, **values)
    action = document.to_dict(include_meta=True, skip_empty=False)
    action["_index"] = index
    return action


def item_values(item, extra=None):
    """The mapped fields of a FeedbackItem, for document_action. Blank facet values are
    left out (None), as the database backend lists no blank value either. `extra` holds
    its themes, stance and answers (extra_facets.document_values); without it, none."""
    extra = extra or {"theme": [NONE], "stance": NONE, "answer": []}
    return {
        "item_id": item.pk,
        "text": item.text,
        "consultation": str(item.consultation_id),
        "section": str(item.section_id) if item.section_id else None,
        "paragraph": item.paragraph_id or None,
        "theme": list(extra["theme"]),
        "stance": extra["stance"],
        "source_kind": item.source_kind,
        "channel": item.channel,
        "sector": item.author_sector or None,
        "region": item.author_region or None,
        "organisation": item.author_organisation or None,
        "respondent_type": item.respondent_type,
        "answer": list(extra["answer"]),
        "moderation_state": item.moderation_state,
        "in_analysis": item.in_analysis,
        "created_at": item.created_at,
    }


def create_index(*, using, name=None):
    """Create the feedback index with its settings and mapping."""
    feedback_index(name).create(using=using)


def delete_index(*, using, name):
    using.indices.delete(index=name, ignore_unavailable=True)


def index_items(rows, *, using, index=None, refresh=False):
    """Index items in bulk (each row as for document_action); how many were indexed.
    Raises elasticsearch.helpers.BulkIndexError when any row was refused."""
    actions = (document_action(row, index or index_name()) for row in rows)
    indexed, _errors = bulk(using, actions, refresh=refresh)
    return indexed


def delete_action(item_id, index):
    """A bulk `delete` action for the document of an item that no longer exists."""
    return {"_op_type": "delete", "_index": index, "_id": str(item_id)}


def send_changes(rows, deleted_ids=(), *, using, index=None, chunk_size=500):
    """Index `rows` (each as for document_action) and delete the documents of
    `deleted_ids`, in bulk; the ids of the items the engine accepted (a document already
    gone counts as deleted). One refused document does not stop the others; the engine
    being unreachable raises one of UNAVAILABLE."""
    index = index or index_name()
    actions = [
        *(document_action(row, index) for row in rows),
        *(delete_action(item_id, index) for item_id in deleted_ids),
    ]
    accepted = set()
    for ok, result in streaming_bulk(
        using, actions, chunk_size=chunk_size, raise_on_error=False, max_retries=0
    ):
        ((operation, info),) = result.items()
        if ok or (operation == "delete" and info.get("status") == 404):
            accepted.add(int(info["_id"]))
    return accepted


# -- the query body ------------------------------------------------------------------------


def _atom_query(atom):
    if isinstance(atom, Phrase):
        return {"match_phrase": {TEXT_FIELD: {"query": " ".join(atom.words)}}}
    if atom.prefix:
        if is_common(atom.word):
            return {"prefix": {TEXT_FIELD: {"value": atom.word}}}
        return {"match_bool_prefix": {TEXT_FIELD: {"query": atom.word}}}
    if atom.joined:  # "e-mail": its parts together, as SQLite reads the quoted word
        return {"match_phrase": {TEXT_FIELD: {"query": atom.word}}}
    return {"match": {TEXT_FIELD: {"query": atom.word, "operator": "and"}}}


def _any(atoms):
    queries = [_atom_query(atom) for atom in atoms]
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def text_query(parsed):
    """The bool query of a parse: every clause a `must`, every exclusion a `must_not`."""
    must = [_any(clause.alternatives) for clause in parsed.clauses] or [{"match_all": {}}]
    query = {"must": must}
    if parsed.exclusions:
        query["must_not"] = [_atom_query(atom) for atom in parsed.exclusions]
    return query


def _facet_filters(filters):
    return [
        {"terms": {name: [v == "true" for v in values]}}
        if FACETS_BY_NAME[name].kind == "boolean"
        else {"terms": {name: list(values)}}
        for name, values in filters
    ]


def _sort(query):
    order = {"newest": "desc", "oldest": "asc"}.get(query.effective_sort)
    if order is None:
        return [
            {"_score": {"order": "desc"}},
            {"created_at": {"order": "desc"}},
            {"item_id": {"order": "desc"}},
        ]
    return [{"created_at": {"order": order}}, {"item_id": {"order": order}}]


def _aggregations(query, facet_size):
    aggs = {}
    for facet in FACETS:
        others = _facet_filters(query.filters_for_counts(facet.name))
        inner = {"values": {"terms": {"field": facet.name, "size": facet_size}}}
        selected = list(query.selected(facet.name))
        if selected and facet.kind != "boolean":
            # Ticked values beyond the top `facet_size` still get their counts.
            inner["selected"] = {
                "terms": {"field": facet.name, "include": selected, "size": len(selected)}
            }
        aggs[facet.name] = {
            "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
            "aggs": inner,
        }
    return aggs


def search_body(query, *, facet_size=FACET_SIZE):
    """The request body for one page of `query` (a FeedbackQuery) with every facet's
    counts; a pure function of the query."""
    bool_query = text_query(query.parsed)
    start, end = query.created_range
    if start or end:
        bounds = {"gte": start.isoformat()} if start else {}
        bounds |= {"lt": end.isoformat()} if end else {}
        bool_query["filter"] = [{"range": {"created_at": bounds}}]
    body = {
        "query": {"bool": bool_query},
        "aggs": _aggregations(query, facet_size),
        "sort": _sort(query),
        "from": query.offset,
        "size": query.page_size,
        "track_total_hits": True,
        "_source": False,
        "highlight": {
            "pre_tags": [MARK_START],
            "post_tags": [MARK_END],
            "fields": {
                TEXT_FIELD: {
                    "number_of_fragments": 1,
                    "fragment_size": EXTRACT_LENGTH,
                    "no_match_size": EXTRACT_LENGTH,
                }
            },
        },
    }
    if query.filters:
        body["post_filter"] = {"bool": {"filter": _facet_filters(query.filters)}}
    return body


def read_response(query, response, *, labels=None):
    """SearchResults from Elasticsearch's answer (a dict) to search_body(query).
    `labels` maps a facet name to {value: label} for values the facet cannot name."""
    labels = labels or {}
    relevance = query.effective_sort == "relevance"
    hits = tuple(
        Hit(
            item_id=int(hit["_id"]),
            snippet=marked_to_html((hit.get("highlight", {}).get(TEXT_FIELD) or [""])[0]),
            score=hit.get("_score") if relevance else None,
        )
        for hit in response["hits"]["hits"]
    )
    facets = []
    for facet in FACETS:
        aggregation = response.get("aggregations", {}).get(facet.name, {})
        buckets = aggregation.get("values", {}).get("buckets", [])
        buckets += aggregation.get("selected", {}).get("buckets", [])
        counts = {
            bucket.get("key_as_string", str(bucket["key"])): bucket["doc_count"]
            for bucket in buckets
        }
        facets.append(
            FacetCounts.build(
                facet, counts, selected=query.selected(facet.name), labels=labels.get(facet.name)
            )
        )
    return SearchResults(
        query=query, hits=hits, total=response["hits"]["total"]["value"], facets=tuple(facets)
    )


def search(query, *, using, index=None, labels=None):
    """Run `query` on the client `using` against the feedback index; raises the client's
    errors (elasticsearch.ApiError, elastic_transport.TransportError) for the caller to
    answer from the database instead."""
    request = Search(using=using, index=index or index_name()).update_from_dict(search_body(query))
    return read_response(query, request.execute().to_dict(), labels=labels)
