"""A small corpus and the items each query must find, the same for every search backend
(SQLite FTS5, PostgreSQL, Elasticsearch): words are stemmed, common words ignored, and a
query's syntax means the same everywhere."""

CORPUS = {
    1: "Social care staff need training before robots arrive in care homes.",
    2: "Care workers worry that insurance costs will rise with AI.",
    3: "Nurses and midwives should be involved in procurement decisions.",
    4: "A robotic assistant helped the nurse with lifting patients.",
    5: "Data sharing between the NHS and social services must stay safe.",
    6: "Good care of the elderly at home matters most.",
    7: "Café owners and carers wrote a résumé of the e-mail campaign.",
    8: "<script>alert('x')</script> Procurement rules are unclear.",
    9: "Midwife-led units need better data.",
    10: "Insurance for robot errors is a social care question.",
    11: "Outpatient clinics are underfunded.",
}
EVERY = frozenset(CORPUS)

# Facets of each item, for the backends that count them here (Elasticsearch).
SECTORS = {1: "social_care", 2: "social_care", 3: "nurse_ahp", 4: "nurse_ahp", 5: "academia"}
REGIONS = {1: "london", 2: "wales", 3: "london", 4: "london", 6: "wales", 10: "london"}

EXPECTED = {
    "care": {1, 2, 6, 10},
    "Care": {1, 2, 6, 10},
    '"social care"': {1, 10},
    "robot*": {1, 4, 10},
    "care -insurance": {1, 6},
    "nurse OR midwife": {3, 4, 9},
    "nurses": {3, 4},
    "-insurance": EVERY - {2, 10},
    "-insurance -robot*": EVERY - {1, 2, 4, 10},
    "": EVERY,
    "the": EVERY,
    "e-mail": {7},
    "procurement": {3, 8},
    '"care of the elderly"': {6},
    '"the care"': {1, 2, 6, 10},
    "robot* -insurance": {1, 4},
    "safe data": {5},
    "sharing": {5},
    '"social care" OR procurement': {1, 3, 8, 10},
    "care AND (insurance OR robots)": {1, 2, 10},  # brackets are not syntax: same as below
    "care robots OR insurance": {1, 2, 10},
    'care "social care" robot* -insurance nurse OR midwife': set(),
    # A prefix that is a common word finds the longer words it begins.
    "under*": {11},
    "out*": {11},
    "midwife-led": {9},
    "NOT insurance": {2, 10},
}
