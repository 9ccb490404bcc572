"""The one entry point views call: `run(query)` answers a FeedbackQuery with SearchResults
from whichever engine is configured, and never says which.

Without ELASTICSEARCH_URL the database answers (SQLite FTS5 or PostgreSQL full text). With
it, Elasticsearch answers; when it is down or refuses, the database answers instead and the
results carry a notice saying so, so a search never fails because the engine did.
"""

import logging
from dataclasses import replace

from consultation.search.backends import configured_engine, database, extra_facets
from consultation.search.backends import elasticsearch as es

logger = logging.getLogger(__name__)

FALLBACK_NOTICE = (
    "The search engine is unavailable, so these results come from the database. "
    "They are complete; only the ranking may differ a little."
)


def _from_elasticsearch(query):
    labels = database.facet_labels(None) | extra_facets.labels(None)
    return es.search(query, using=es.client(), labels=labels)


def run(query):
    """SearchResults for `query` (a FeedbackQuery); never raises for the engine's sake."""
    if configured_engine() == "elasticsearch":
        try:
            return _from_elasticsearch(query)
        except es.UNAVAILABLE:
            logger.warning("Elasticsearch is unavailable; searching the database", exc_info=True)
            return replace(database.search(query), notice=FALLBACK_NOTICE)
    return database.search(query)


def matching_ids(query):
    """The id of every item `query` finds, in its order: what a download holds. Always from
    the database, the record of every item (whose hits the conformance suite holds equal to
    Elasticsearch's), so a download is complete whether or not the engine is up."""
    return database.matching_ids(query)
