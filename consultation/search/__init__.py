"""Searching feedback items: one interface, a database backend by default (SQLite FTS5 or
PostgreSQL full text) and Elasticsearch when ELASTICSEARCH_URL is set.

How the parts fit:

- `query`: our own parser of what a person types (words, "phrases", OR, -exclusions,
  prefix*), run once into a plain immutable `ParsedQuery`; anything else becomes words or
  is ignored, never an error. `ParsedQuery.describe()` says back what was searched.
- `types`: `FeedbackQuery` in (built from request.GET by `from_querydict`, which checks
  and bounds every value and never raises), `SearchResults` out (hits with safe snippets,
  total, facet counts, paging, the description and a notice), the facets and the one
  rule their counts follow on every backend.
- `highlight`: the only place where a backend's highlighted text becomes HTML (escaped,
  with our own <mark> tags).
- `backends`: one compiler per engine taking the parse, never the typed text: `fts5`,
  `postgres`, `elasticsearch` (the only module that imports elasticsearch-dsl); `database`
  searches feedback items with the database's own index (`item_index`); `extra_facets`
  reads the facets kept outside the item's row (themes, stance, questionnaire answers)
  for the database backend's counting and for the search engine's documents.
- `engine`: `run(query)`, the one entry point: the configured engine answers, and the
  database does when Elasticsearch is unavailable (with a notice in the results).
- `indexing`: rebuilding items from their sources and every index (`reindex_feedback`).

Views call `consultation.search.run(query)` and never ask which engine is live. The syntax
is documented for users in consultation/README.md, "Search syntax".
"""

from consultation.search.engine import matching_ids, run

__all__ = ["matching_ids", "run"]
