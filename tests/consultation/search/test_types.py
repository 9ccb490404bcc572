"""The query object in and the results object out: every value from a request is checked
and bounded, bad input is dropped with a note and never raises."""

import datetime
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from consultation.search.backends import configured_engine
from consultation.search.types import (
    DEFAULT_PAGE_SIZE,
    FACETS,
    FACETS_BY_NAME,
    MAX_RESULT_WINDOW,
    MAX_VALUES_PER_FACET,
    FacetCounts,
    FeedbackQuery,
    Hit,
    SearchResults,
)
from tests.support.hostile import HOSTILE_QUERIES

PARAGRAPH = "0f8fad5b-d9cb-469f-a165-70867728950e"


def from_query_string(query_string):
    return FeedbackQuery.from_querydict(QueryDict(query_string))


def test_a_full_form_is_read():
    query = from_query_string(
        urlencode(
            [
                ("q", "care -insurance"),
                ("sector", "nurse_ahp"),
                ("sector", "clinician"),
                ("region", "london"),
                ("consultation", "7"),
                ("paragraph", PARAGRAPH.upper()),
                ("organisation", "  NHS   Trust  "),
                ("in_analysis", "true"),
                ("date_from", "2026-01-01"),
                ("date_to", "2026-03-31"),
                ("sort", "oldest"),
                ("page", "3"),
                ("per_page", "50"),
            ]
        )
    )
    assert query.text == "care -insurance"
    assert query.parsed.describe() == "care NOT insurance"
    assert query.filters == (
        ("consultation", ("7",)),
        ("paragraph", (PARAGRAPH,)),
        ("sector", ("nurse_ahp", "clinician")),
        ("region", ("london",)),
        ("organisation", ("NHS Trust",)),
        ("in_analysis", ("true",)),
    )
    assert query.date_from == datetime.date(2026, 1, 1)
    assert query.date_to == datetime.date(2026, 3, 31)
    assert (query.sort, query.page, query.page_size, query.offset) == ("oldest", 3, 50, 100)
    assert query.notes == () and query.messages == ()


def test_an_empty_form_is_every_item_newest_first():
    query = from_query_string("")
    assert query == FeedbackQuery()
    assert query.parsed.matches_everything
    assert (query.sort, query.effective_sort) == ("relevance", "newest")
    assert (query.page, query.page_size) == (1, DEFAULT_PAGE_SIZE)


def test_the_nhs_date_input_fields_are_read():
    query = from_query_string("date_from-day=5&date_from-month=2&date_from-year=2026")
    assert query.date_from == datetime.date(2026, 2, 5) and query.notes == ()


@pytest.mark.parametrize(
    ("query_string", "note"),
    [
        ("sector=<script>", "Sector: a value this filter does not have was ignored."),
        ("consultation=0", "Consultation: a value this filter does not have was ignored."),
        ("consultation=1e3", "Consultation: a value this filter does not have was ignored."),
        ("paragraph=not-a-uuid", "Paragraph: a value this filter does not have was ignored."),
        (
            "in_analysis=maybe",
            "Counts in the analysis: a value this filter does not have was ignored.",
        ),
        ("organisation=%00%00", "Organisation: a value this filter does not have was ignored."),
        (
            "date_from=2026-02-30",
            "The “from” date is not a date and was ignored (enter a date like 2026-03-31).",
        ),
        (
            "date_to=31/03/2026",
            "The “to” date is not a date and was ignored (enter a date like 2026-03-31).",
        ),
        (
            "date_to=0001-01-01",
            "The “to” date is not a date and was ignored (enter a date like 2026-03-31).",
        ),
        (
            "date_to=9999-12-31",
            "The “to” date is not a date and was ignored (enter a date like 2026-03-31).",
        ),
        (
            "date_from-day=31&date_from-month=2&date_from-year=2026",
            "The “from” date is not a date and was ignored (enter a date like 2026-03-31).",
        ),
        (
            "date_from-day=x",
            "The “from” date is not a date and was ignored (enter a date like 2026-03-31).",
        ),
        (
            "page=999999",
            f"Results stop at page {MAX_RESULT_WINDOW // DEFAULT_PAGE_SIZE} (10,000 results); "
            "narrow the search to reach the others.",
        ),
    ],
)
def test_bad_values_are_dropped_with_a_note(query_string, note):
    query = from_query_string(query_string)
    assert query.notes == (note,)
    assert query.filters == () and query.date_from is None and query.date_to is None


def test_reversed_dates_are_swapped():
    query = from_query_string("date_from=2026-03-31&date_to=2026-01-01")
    assert (query.date_from, query.date_to) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert query.notes == ("The dates were the wrong way round, so they were swapped.",)


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        ("sort=random", ("relevance", 1, DEFAULT_PAGE_SIZE)),
        ("page=0&per_page=7", ("relevance", 1, DEFAULT_PAGE_SIZE)),
        ("page=-3&per_page=1000000", ("relevance", 1, DEFAULT_PAGE_SIZE)),
        ("page=\uff12&per_page=10", ("relevance", 1, 10)),  # only ASCII digits (not a wide 2)
        ("page=&sort=", ("relevance", 1, DEFAULT_PAGE_SIZE)),
        ("page=1e9&sort=newest", ("newest", 1, DEFAULT_PAGE_SIZE)),
        ("page=100&per_page=100", ("relevance", 100, 100)),
    ],
)
def test_sort_and_paging_fall_back_quietly(query_string, expected):
    query = from_query_string(query_string)
    assert (query.sort, query.page, query.page_size) == expected


def test_facet_values_are_deduplicated_and_capped():
    values = "&".join(f"organisation=Org {n}" for n in range(MAX_VALUES_PER_FACET + 10))
    query = from_query_string(f"sector=clinician&sector=CLINICIAN&{values}")
    assert query.selected("sector") == ("clinician",)
    assert len(query.selected("organisation")) == MAX_VALUES_PER_FACET
    assert query.notes == (
        f"Organisation: only the first {MAX_VALUES_PER_FACET} choices were used.",
    )


def test_unknown_parameters_are_ignored():
    query = from_query_string("csrfmiddlewaretoken=x&utm_source=y&colour=3&q=care")
    assert query.filters == () and query.notes == () and query.text == "care"


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_input_in_every_parameter_never_raises(text):
    names = ["q", "sort", "page", "per_page", "date_from", "date_to", "date_to-day"]
    data = QueryDict(mutable=True)
    for name in names + [facet.name for facet in FACETS]:
        data.setlist(name, [text, text[::-1]])
    query = FeedbackQuery.from_querydict(data)
    assert query.page >= 1 and len(query.text) <= 200
    assert all(len(value) <= 200 for _name, values in query.filters for value in values)
    assert query.as_params() is not None


def test_a_plain_mapping_works_too():
    query = FeedbackQuery.from_querydict({"q": "care", "sector": ["clinician", 5.5], "page": 2})
    assert (query.text, query.selected("sector"), query.page) == ("care", ("clinician",), 2)
    assert FeedbackQuery.from_querydict(None) == FeedbackQuery()


def test_built_by_code_mistakes_raise():
    with pytest.raises(ValueError, match="Unknown facet"):
        FeedbackQuery(filters={"colour": ["1"]})
    with pytest.raises(ValueError, match="cannot have"):
        FeedbackQuery(filters={"consultation": ["abc"]})
    with pytest.raises(ValueError, match="Unknown sort"):
        FeedbackQuery(sort="random")
    with pytest.raises(ValueError, match="Page size"):
        FeedbackQuery(page_size=7)
    with pytest.raises(ValueError, match="outside"):
        FeedbackQuery(page=0)
    with pytest.raises(ValueError, match="after"):
        FeedbackQuery(date_from=datetime.date(2026, 2, 1), date_to=datetime.date(2026, 1, 1))


def test_built_by_code_a_dict_of_filters_is_put_in_facet_order():
    query = FeedbackQuery(filters={"region": "london", "sector": ["clinician", "clinician"]})
    assert query.filters == (("sector", ("clinician",)), ("region", ("london",)))
    assert query == FeedbackQuery(filters=(("sector", ["clinician"]), ("region", ["london"])))


def test_each_facet_counts_with_the_other_facets_filters():
    query = FeedbackQuery(filters={"sector": ["clinician"], "region": ["london", "wales"]})
    assert query.filters_for_counts("sector") == (("region", ("london", "wales")),)
    assert query.filters_for_counts("region") == (("sector", ("clinician",)),)
    assert query.filters_for_counts("source_kind") == query.filters


def test_the_date_range_is_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Europe/London"
    query = FeedbackQuery(date_from=datetime.date(2026, 6, 1), date_to=datetime.date(2026, 6, 30))
    start, end = query.created_range
    assert start.isoformat() == "2026-06-01T00:00:00+01:00"  # British Summer Time
    assert end.isoformat() == "2026-07-01T00:00:00+01:00"  # the whole of the last day
    assert FeedbackQuery().created_range == (None, None)


def test_parameters_round_trip():
    query = from_query_string(
        "q=%22social+care%22+-robots&sector=clinician&date_to=2026-01-31&sort=newest&per_page=50"
    )
    assert from_query_string(urlencode(query.as_params())) == query
    second = from_query_string(urlencode(query.as_params(page=2)))
    assert second.page == 2 and second.text == query.text and second.filters == query.filters
    assert FeedbackQuery().as_params() == []


def test_relevance_is_kept_when_there_are_words():
    assert FeedbackQuery(text="care").effective_sort == "relevance"
    assert FeedbackQuery(text="-care").effective_sort == "newest"
    assert FeedbackQuery(text="care", sort="oldest").effective_sort == "oldest"


# -- results -------------------------------------------------------------------------------


def test_facet_counts_order_label_and_keep_ticked_values():
    sector = FACETS_BY_NAME["sector"]
    counts = FacetCounts.build(
        sector,
        {"clinician": 5, "academia": 5, "charity": 9, "other": 0, "industry": 1},
        selected=("industry", "government"),
        limit=3,
    )
    assert [(v.value, v.label, v.count, v.selected) for v in counts.values] == [
        ("charity", "Charity", 9, False),
        ("academia", "Academia", 5, False),
        ("clinician", "Clinician", 5, False),
        ("industry", "Industry", 1, True),  # ticked: listed beyond the limit
        ("government", "Government", 0, True),  # ticked with none: listed to untick
    ]
    assert counts.any_selected and (counts.name, counts.label) == ("sector", "Sector")


def test_facet_labels_come_from_the_caller_then_the_facet_then_the_value():
    section = FACETS_BY_NAME["section"]
    counts = FacetCounts.build(section, {"4": 2, "9": 1}, labels={"4": "Data"})
    assert [(v.value, v.label) for v in counts.values] == [("4", "Data"), ("9", "9")]
    flags = FacetCounts.build(FACETS_BY_NAME["in_analysis"], {"false": 1})
    assert flags.values[0].label == "Left out of the analysis"


def test_results_page_count_and_description():
    query = FeedbackQuery(text='care "social care" -insurance', page=2, page_size=10)
    results = SearchResults(
        query=query,
        hits=(Hit(item_id=1, snippet="x", score=1.5),),
        total=25,
        notice="Answered by the database.",
    )
    assert (results.page, results.page_count) == (2, 3)
    assert results.has_previous and results.has_next
    assert results.description == 'care AND "social care" NOT insurance'
    assert results.facet("sector") is None
    last = SearchResults(query=FeedbackQuery(page=3, page_size=10), hits=(), total=25)
    assert not last.has_next
    assert SearchResults(query=FeedbackQuery(), hits=(), total=0).page_count == 1
    huge = SearchResults(query=FeedbackQuery(page_size=100), hits=(), total=270_000)
    assert huge.page_count == MAX_RESULT_WINDOW // 100


def test_results_carry_the_querys_messages():
    query = from_query_string("q=%22care&sector=%3Cb%3E")
    results = SearchResults(query=query, hits=(), total=0)
    assert results.messages == (
        "Sector: a value this filter does not have was ignored.",
        "A quotation mark without a partner was ignored.",
    )


def test_configured_engine(settings):
    from django.db import connection

    settings.ELASTICSEARCH_URL = None
    assert configured_engine() == connection.vendor
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    assert configured_engine() == "elasticsearch"
