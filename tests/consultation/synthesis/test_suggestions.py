"""Stored theme suggestions through HTTP and as the background sees them: computing and
keeping them (consultation.synthesis.suggestions), the review queue with its theme filter,
accepting (a code like any other, marked as from a suggestion) and rejecting (remembered,
never suggested again, also after computing again), the refresh task after coding
actions (debounced), `manage.py suggest_themes`, the demo part, hostile text and query
counts that do not grow with the queue."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django_tasks import default_task_backend

from consultation.selectors.suggestions import pending_for_item
from consultation.synthesis import coding
from consultation.synthesis.demo import suggestions as demo_suggestions
from consultation.synthesis.models import (
    CodeSource,
    Coding,
    CodingAction,
    Theme,
    ThemeKeyPhrases,
    ThemeSuggestion,
)
from consultation.synthesis.suggestion_tasks import refresh_theme_suggestions
from consultation.synthesis.suggestions import refresh_suggestions
from hub.core.models import AuditEntry
from tests.support import factories
from tests.support.clients import SignedInClient
from tests.support.consultation_factories import ConsultationFactory, comment_on
from tests.support.hostile import HOSTILE_MARKUP

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
State = ThemeSuggestion.State

EXAMPLES = {
    "Workforce": [
        "Nurses and doctors need training before any AI tool reaches the ward",
        "Staff training and time for clinicians to learn the new tools",
        "The workforce needs skills and training to use AI safely",
        "Train the nurses, the doctors and the care staff first",
        "Clinicians need protected time for training on AI",
        "Invest in the skills of the care workforce and its training",
    ],
    "Data privacy": [
        "My medical records must stay private and never be sold",
        "Patients must consent before their data is shared with companies",
        "Keep patient data private, with clear consent and opt-out",
        "Who sees my records? Privacy and consent matter most",
        "Sharing health data with private companies worries me",
        "Strong privacy rules for patient records and data sharing",
    ],
    "Funding": [
        "Money for the NHS should go to beds, not to software budgets",
        "The funding for AI must not cut budgets for front-line care",
        "Who pays? The budget for this programme is unclear",
        "Invest money in care homes before expensive AI projects",
        "Funding and budgets are already stretched in the NHS",
        "The cost of these projects will come out of care budgets",
    ],
}
UNCODED = {
    "training": "More training for nurses and clinicians on the new AI tools",
    "privacy": "My records and data must stay private, ask for my consent",
    "money": "The budget and funding should pay for front-line care first",
}


@pytest.fixture(autouse=True)
def _no_refresh_mark():
    # The debounce mark lives in the cache, which outlives a test.
    cache.clear()


@pytest.fixture
def author(db):
    return factories.ProfileFactory().user


@pytest.fixture
def workspace(section, consultation, author, analyst):
    """A consultation with three themes coded by hand on six items each (through the
    coding service) and three uncoded items, one per theme."""

    def item(text):
        return comment_on(
            section, consultation=consultation, author=author, text=text
        ).feedback_item

    themes = {}
    for sort_order, (name, texts) in enumerate(EXAMPLES.items()):
        theme = Theme.objects.create(consultation=consultation, name=name, sort_order=sort_order)
        themes[name] = theme
        coding.apply_themes(
            actor=analyst,
            consultation=consultation,
            item_ids=[item(text).pk for text in texts],
            themes=[theme],
        )
    uncoded = {key: item(text) for key, text in UNCODED.items()}
    return {"consultation": consultation, "themes": themes, "uncoded": uncoded}


@pytest.fixture
def refreshed(workspace):
    refresh_suggestions(consultation=workspace["consultation"])
    return workspace


@pytest.fixture
def wg_client(client, analyst):
    client.force_login(analyst)
    return client


def queue_url(consultation, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/synthesis/suggestions/{consultation.slug}/" + (f"?{query}" if query else "")


def pending(item, theme=None):
    """The item's pending suggestions (every item's when None)."""
    found = ThemeSuggestion.objects.filter(state=State.PENDING)
    found = found.filter(item=item) if item is not None else found
    return found.filter(theme=theme) if theme else found


def best(item):
    return pending(item).order_by("rank").first()


def test_refresh_stores_ranked_suggestions_for_uncoded_items_only(refreshed):
    themes, uncoded = refreshed["themes"], refreshed["uncoded"]
    stored = ThemeSuggestion.objects.all()
    assert {suggestion.item_id for suggestion in stored} == {item.pk for item in uncoded.values()}
    for item in uncoded.values():
        ranked = list(pending(item).order_by("rank"))
        assert [s.rank for s in ranked] == list(range(1, len(ranked) + 1))
        confidences = [s.confidence for s in ranked]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0 <= c <= 1 for c in confidences)
    assert best(uncoded["training"]).theme == themes["Workforce"]
    assert best(uncoded["privacy"]).theme == themes["Data privacy"]
    assert best(uncoded["money"]).theme == themes["Funding"]
    phrases = {kp.theme.name: kp.phrases for kp in ThemeKeyPhrases.objects.select_related("theme")}
    assert set(phrases) == set(themes)
    assert any("training" in phrase for phrase in phrases["Workforce"])


def test_queue_shows_items_best_first_with_percentages_and_words(refreshed, wg_client):
    response = wg_client.get(queue_url(refreshed["consultation"]))
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(text) for text in UNCODED.values()]
    assert all(position > 0 for position in positions)
    assert re.search(r"\d+% · (High|Medium|Low) confidence", html)
    assert "Suggested" in html or "Below the threshold" in html
    # The most confident item comes first.
    firsts = {key: best(item).confidence for key, item in refreshed["uncoded"].items()}
    order = sorted(firsts, key=firsts.get, reverse=True)
    shown = sorted(UNCODED, key=lambda key: html.index(UNCODED[key]))
    assert shown == order
    forms = re.findall(r'<form method="post" action="/synthesis/suggestions/\d+/(\w+)/"', html)
    assert sorted(forms) == sorted(["accept", "reject"] * ThemeSuggestion.objects.count())


def test_index_counts_items_waiting_per_consultation(refreshed, wg_client):
    response = wg_client.get("/synthesis/suggestions/")
    assert response.status_code == 200
    assert response.context["consultations"][0].waiting_items == 3
    assert queue_url(refreshed["consultation"]) in response.content.decode()
    assert 'href="/synthesis/suggestions/"' in wg_client.get("/synthesis/").content.decode()


def test_accept_codes_the_item_through_the_coding_service(refreshed, wg_client, analyst):
    item = refreshed["uncoded"]["training"]
    suggestion = best(item)
    back = queue_url(refreshed["consultation"], page=1)
    response = wg_client.post(f"/synthesis/suggestions/{suggestion.pk}/accept/", {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    code = Coding.objects.get(item=item)
    assert code.theme == suggestion.theme
    assert code.source == CodeSource.SUGGESTION
    assert code.action.scope == CodingAction.Scope.SUGGESTION
    assert code.coded_by == analyst
    suggestion.refresh_from_db()
    assert suggestion.state == State.ACCEPTED
    assert suggestion.decided_by == analyst
    assert suggestion.decided_at is not None
    assert suggestion.action == code.action
    assert AuditEntry.objects.about(suggestion).get().action == "suggestion_accepted"
    assert AuditEntry.objects.about(code.action).get().action == "themes_applied"
    page = wg_client.get(back).content.decode()
    assert "is now coded" in page
    # Its other suggestions stay to be reviewed; an item coded by hand drops out.
    assert "Coded so far: Workforce" in page


def test_accepting_one_keeps_the_items_other_suggestions_through_a_refresh(refreshed, wg_client):
    item = refreshed["uncoded"]["privacy"]
    others = {s.theme_id for s in pending(item)} - {best(item).theme_id}
    wg_client.post(f"/synthesis/suggestions/{best(item).pk}/accept/")
    refresh_suggestions(consultation=refreshed["consultation"])
    assert {s.theme_id for s in pending(item)} == others


def test_reject_is_remembered_and_never_suggested_again(
    refreshed, wg_client, analyst, django_capture_on_commit_callbacks
):
    item = refreshed["uncoded"]["money"]
    suggestion = best(item)
    theme = suggestion.theme
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = wg_client.post(f"/synthesis/suggestions/{suggestion.pk}/reject/")
    assert response.status_code == 302
    assert len(callbacks) == 1  # the refresh, run by the test task backend
    suggestion.refresh_from_db()
    assert suggestion.state == State.REJECTED
    assert suggestion.decided_by == analyst
    assert AuditEntry.objects.about(suggestion).get().action == "suggestion_rejected"
    assert not Coding.objects.filter(item=item).exists()
    assert not pending(item, theme).exists()
    assert pending(item).exists()  # the other themes, recomputed
    call_command("suggest_themes", stdout=io.StringIO())
    assert not pending(item, theme).exists()
    assert ThemeSuggestion.objects.get(item=item, theme=theme).state == State.REJECTED
    filtered = wg_client.get(queue_url(refreshed["consultation"], theme=theme.pk))
    assert item not in [entry.item for entry in filtered.context["entries"]]


def test_a_suggestion_is_decided_once(refreshed, wg_client):
    suggestion = best(refreshed["uncoded"]["training"])
    wg_client.post(f"/synthesis/suggestions/{suggestion.pk}/accept/")
    response = wg_client.post(f"/synthesis/suggestions/{suggestion.pk}/reject/", follow=True)
    assert "This suggestion was already accepted." in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.state == State.ACCEPTED
    assert CodingAction.objects.filter(scope=CodingAction.Scope.SUGGESTION).count() == 1
    gone = wg_client.post("/synthesis/suggestions/999999/accept/", follow=True)
    assert "no longer exists" in gone.content.decode()


def test_decisions_need_a_post_with_the_csrf_token(refreshed, analyst):
    suggestion = best(refreshed["uncoded"]["training"])
    strict = SignedInClient(enforce_csrf_checks=True)
    strict.force_login(analyst)
    assert strict.get(f"/synthesis/suggestions/{suggestion.pk}/accept/").status_code == 405
    assert strict.post(f"/synthesis/suggestions/{suggestion.pk}/accept/").status_code == 403
    page = strict.get(queue_url(refreshed["consultation"]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    accepted = strict.post(
        f"/synthesis/suggestions/{suggestion.pk}/accept/", {"csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == State.ACCEPTED


def test_next_outside_the_site_is_ignored(refreshed, wg_client):
    suggestion = best(refreshed["uncoded"]["training"])
    response = wg_client.post(
        f"/synthesis/suggestions/{suggestion.pk}/reject/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/synthesis/suggestions/"


def test_filter_by_theme_shows_its_items_and_key_phrases(refreshed, wg_client):
    theme = refreshed["themes"]["Data privacy"]
    response = wg_client.get(queue_url(refreshed["consultation"], theme=theme.pk))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert entries
    assert all(any(s.theme == theme for s in entry.suggestions) for entry in entries)
    assert entries[0].item == refreshed["uncoded"]["privacy"]
    assert "Key phrases:" in response.content.decode()


def test_an_unknown_theme_gets_a_clear_message(refreshed, wg_client):
    other = Theme.objects.create(
        consultation=ConsultationFactory(slug="elsewhere"), name="Elsewhere"
    )
    for wanted in ("nonsense", "99999", other.pk, "<script>"):
        response = wg_client.get(queue_url(refreshed["consultation"], theme=wanted))
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is a problem" in html
        assert "Choose a theme of this consultation" in html
        assert "<script>" not in html.split("<main", 1)[1]


def test_coding_by_hand_refreshes_suggestions_in_the_background(
    refreshed, analyst, django_capture_on_commit_callbacks
):
    item = refreshed["uncoded"]["training"]
    before = ThemeSuggestion.objects.get(item=refreshed["uncoded"]["money"], rank=1).computed_at
    with django_capture_on_commit_callbacks(execute=True):
        coding.apply_themes(
            actor=analyst,
            consultation=refreshed["consultation"],
            item_ids=[item.pk],
            themes=[refreshed["themes"]["Workforce"]],
        )
    assert not ThemeSuggestion.objects.filter(item=item).exists()
    after = ThemeSuggestion.objects.get(item=refreshed["uncoded"]["money"], rank=1).computed_at
    assert after > before


def test_a_burst_of_coding_enqueues_one_refresh(
    refreshed, analyst, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    consultation, themes = refreshed["consultation"], refreshed["themes"]
    with django_capture_on_commit_callbacks(execute=True):
        for item in refreshed["uncoded"].values():
            coding.apply_themes(
                actor=analyst,
                consultation=consultation,
                item_ids=[item.pk],
                themes=[themes["Funding"]],
            )
    (waiting,) = default_task_backend.results
    assert waiting.task.run_after is not None  # later, so the rest of the burst joins it
    assert waiting.kwargs == {"consultation_id": consultation.pk}
    assert ThemeSuggestion.objects.filter(state=State.PENDING).exists()  # not yet run
    # Run it as a worker would: every item is now coded, so none is left to suggest for.
    assert refresh_theme_suggestions.call(**waiting.kwargs) == {"stored": 0, "items": 0}
    assert not ThemeSuggestion.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        coding.undo(actor=analyst, action=CodingAction.objects.first())
    assert len(default_task_backend.results) == 2  # the run cleared the mark


def test_the_command_computes_with_a_progress_bar(workspace):
    out = io.StringIO()
    call_command("suggest_themes", "--consultation", workspace["consultation"].slug, stdout=out)
    text = out.getvalue()
    assert "[##############################] 4/4" in text
    assert "suggestions for 3 of 21 items, learnt from 18 coded items" in text
    assert ThemeSuggestion.objects.filter(state=State.PENDING).count() == 9
    with pytest.raises(CommandError, match="There is no consultation 'nope'"):
        call_command("suggest_themes", "--consultation", "nope", stdout=io.StringIO())


def test_the_command_without_coded_items_says_so(consultation):
    out = io.StringIO()
    call_command("suggest_themes", stdout=out)
    assert "nothing to learn from" in out.getvalue()


def test_demo_part_waits_for_codes_and_is_idempotent(section, consultation, workspace):
    out = io.StringIO()
    demo_suggestions.load(out)
    first = set(ThemeSuggestion.objects.values_list("item_id", "theme_id", "state"))
    assert len(first) == 9
    demo_suggestions.load(out)
    assert set(ThemeSuggestion.objects.values_list("item_id", "theme_id", "state")) == first


def test_demo_part_without_codes_does_nothing(consultation):
    demo_suggestions.load(io.StringIO())
    assert not ThemeSuggestion.objects.exists()


def test_items_out_of_the_analysis_get_no_suggestions(refreshed):
    item = refreshed["uncoded"]["money"]
    type(item).objects.filter(pk=item.pk).update(in_analysis=False)
    refresh_suggestions(consultation=refreshed["consultation"])
    assert not ThemeSuggestion.objects.filter(item=item).exists()


def test_hostile_text_and_theme_names_are_shown_escaped(workspace, section, author, wg_client):
    consultation = workspace["consultation"]
    theme = workspace["themes"]["Workforce"]
    theme.name = "<img src=x onerror=alert(1)> Workforce"
    theme.save()
    for markup in HOSTILE_MARKUP:
        comment_on(section, consultation=consultation, author=author, text=f"training {markup}")
    refresh_suggestions(consultation=consultation)
    response = wg_client.get(queue_url(consultation, theme=theme.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; Workforce" in html
    assert "<script>alert" not in html


def test_queue_query_count_does_not_grow_with_items(
    workspace, section, author, wg_client, django_assert_max_num_queries
):
    consultation = workspace["consultation"]
    refresh_suggestions(consultation=consultation)
    wg_client.get(queue_url(consultation))  # the first request also reads the site's setup
    with django_assert_max_num_queries(20) as few:
        wg_client.get(queue_url(consultation))
    # Counted now: the connection keeps the last 9,000 queries, and the writes below push
    # these out of the window `captured_queries` reads later.
    few_queries = len(few.captured_queries)
    for index in range(25):
        comment_on(
            section,
            consultation=consultation,
            author=author,
            text=f"Training for nurses and privacy of records, item {index}",
        )
    refresh_suggestions(consultation=consultation)
    # New comments end what was worked out once for the whole site (menus, breadcrumbs): the
    # first request after them works it out again, like the warm-up above.
    wg_client.get(queue_url(consultation))
    with django_assert_max_num_queries(few_queries) as many:
        response = wg_client.get(queue_url(consultation))
    assert len(response.context["entries"]) == 20  # a page, not every item
    assert len(many.captured_queries) == few_queries


def test_item_page_selector_gives_pending_suggestions_until_coded_by_hand(refreshed, analyst):
    item = refreshed["uncoded"]["privacy"]
    shown = pending_for_item(item.pk)
    assert shown[0].theme == refreshed["themes"]["Data privacy"]
    assert [s.confidence for s in shown] == sorted((s.confidence for s in shown), reverse=True)
    coding.apply_themes(
        actor=analyst,
        consultation=refreshed["consultation"],
        item_ids=[item.pk],
        themes=[refreshed["themes"]["Funding"]],
    )
    assert pending_for_item(item.pk) == []  # coded by hand: nothing left to review


def test_queue_leaves_out_items_that_left_the_analysis(refreshed, wg_client):
    item = refreshed["uncoded"]["money"]
    type(item).objects.filter(pk=item.pk).update(in_analysis=False)
    response = wg_client.get(queue_url(refreshed["consultation"]))
    assert item not in [entry.item for entry in response.context["entries"]]
    assert len(response.context["entries"]) == 2


def test_every_count_agrees_with_the_queue_once_items_are_coded_by_hand_or_left_out(
    refreshed, wg_client, analyst
):
    """Between a coding action and the refresh it starts, some pending suggestions wait for
    nobody: their item was coded by hand or left the analysis. The queue leaves them out,
    and so does every count of it: the page's, each theme's in the filter, the index's."""
    consultation, uncoded = refreshed["consultation"], refreshed["uncoded"]
    coding.apply_themes(
        actor=analyst,
        consultation=consultation,
        item_ids=[uncoded["training"].pk],
        themes=[refreshed["themes"]["Funding"]],
    )
    item = uncoded["money"]
    type(item).objects.filter(pk=item.pk).update(in_analysis=False)
    assert pending(uncoded["training"]).exists() and pending(item).exists()  # not refreshed yet

    response = wg_client.get(queue_url(consultation))
    entries = response.context["entries"]
    assert [entry.item for entry in entries] == [uncoded["privacy"]]
    assert response.context["page_obj"].paginator.count == 1
    assert "1 item with suggestions to review." in response.content.decode()
    for theme in response.context["themes"]:
        filtered = wg_client.get(queue_url(consultation, theme=theme.pk)).context
        assert theme.waiting == filtered["page_obj"].paginator.count == len(filtered["entries"])
        assert f">{theme.name} ({theme.waiting})</option>" in response.content.decode()
    index = wg_client.get("/synthesis/suggestions/")
    assert index.context["consultations"][0].waiting_items == 1


def test_pages_of_the_queue_hold_every_item_once_best_first_ties_by_id(workspace, section, author):
    """The queue reads suggestions in order of confidence from an index and stops once a
    page is full: across pages every waiting item comes once, ordered by its best
    suggestion's confidence, equal ones by id, whatever the other suggestions say."""
    from consultation.selectors.suggestions import review_queue

    consultation = workspace["consultation"]
    more = [
        comment_on(section, consultation=consultation, author=author, text=f"Words {n}")
        for n in range(5)
    ]
    refresh_suggestions(consultation=consultation)
    items = [*workspace["uncoded"].values(), *(comment.feedback_item for comment in more)]
    # Best confidences with ties, and second suggestions above other items' best ones.
    bests = [0.9, 0.5, 0.5, 0.7, 0.5, 0.2, 0.9, 0.4]
    for item, confidence in zip(items, bests, strict=True):
        ranked = list(pending(item).order_by("rank"))
        ThemeSuggestion.objects.filter(pk=ranked[0].pk).update(confidence=confidence)
        ThemeSuggestion.objects.filter(pk__in=[s.pk for s in ranked[1:]]).update(
            confidence=confidence * 0.99
        )
    expected = [item.pk for item in sorted(items, key=lambda i: (-bests[items.index(i)], i.pk))]
    shown = []
    for number in (1, 2, 3):
        page, entries = review_queue(consultation, page=number, per_page=3)
        assert page.paginator.count == len(items) and page.paginator.num_pages == 3
        shown += [entry.item.pk for entry in entries]
    assert shown == expected
    page, entries = review_queue(consultation, page=99, per_page=3)  # the nearest page
    assert page.number == 3 and [entry.item.pk for entry in entries] == expected[6:]


@pytest.mark.parametrize("page", ["", "abc", "-1", "0", "99999999999999999999", "1e9", "2 OR 1=1"])
def test_any_page_number_gives_a_page_of_the_queue(refreshed, wg_client, page):
    response = wg_client.get(queue_url(refreshed["consultation"], page=page))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 3  # one page holds them all: the nearest


def test_a_theme_without_key_phrases_says_so(refreshed, wg_client):
    theme = Theme.objects.create(consultation=refreshed["consultation"], name="New theme")
    response = wg_client.get(queue_url(refreshed["consultation"], theme=theme.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No key phrases yet" in html
    assert "No suggestions are waiting for review for this theme" in html


def test_undoing_an_accepted_suggestion_lets_its_theme_be_suggested_again(
    refreshed, wg_client, django_capture_on_commit_callbacks
):
    item = refreshed["uncoded"]["training"]
    suggestion = best(item)
    theme = suggestion.theme
    wg_client.post(f"/synthesis/suggestions/{suggestion.pk}/accept/")
    action = Coding.objects.get(item=item).action
    with django_capture_on_commit_callbacks(execute=True):
        undone = wg_client.post(f"/synthesis/coding/actions/{action.pk}/undo/")
    assert undone.status_code == 302
    assert not Coding.objects.filter(item=item).exists()
    # The acceptance is taken back with the code; the refresh the undo ran suggests it again.
    assert pending(item, theme).exists()
    assert not ThemeSuggestion.objects.filter(item=item, state=State.ACCEPTED).exists()
    call_command("suggest_themes", stdout=io.StringIO())
    assert pending(item, theme).exists()
    page = wg_client.get(f"/synthesis/items/{item.pk}/").content.decode()
    assert f'Accept<span class="nhsuk-u-visually-hidden"> “{theme.name}”' in page


def test_a_rejection_taken_back_lets_its_theme_be_suggested_again(
    refreshed, wg_client, analyst, django_capture_on_commit_callbacks
):
    item = refreshed["uncoded"]["money"]
    suggestion = best(item)
    theme = suggestion.theme
    item_page = f"/synthesis/items/{item.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        wg_client.post(f"/synthesis/suggestions/{suggestion.pk}/reject/", {"next": item_page})
    assert not pending(item, theme).exists()
    page = wg_client.get(item_page).content.decode()
    assert "Rejected suggestions" in page and "Undo the rejection" in page
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        back = wg_client.post(
            f"/synthesis/suggestions/{suggestion.pk}/reconsider/", {"next": item_page}
        )
    assert back.status_code == 302 and back["Location"] == item_page
    assert len(callbacks) == 1  # the refresh, run by the test task backend
    assert pending(item, theme).exists()  # suggested again by the refresh
    assert not ThemeSuggestion.objects.filter(item=item, state=State.REJECTED).exists()
    entry = AuditEntry.objects.about(suggestion).filter(action="suggestion_reconsidered").get()
    assert entry.actor == analyst
    page = wg_client.get(item_page).content.decode()
    assert "can be suggested again" in page and "Rejected suggestions" not in page
    # Only a rejection can be taken back: a second post changes nothing.
    again = wg_client.post(f"/synthesis/suggestions/{suggestion.pk}/reconsider/", follow=True)
    assert "Only a rejected suggestion can be taken back." in again.content.decode()


def test_a_refresh_updates_pending_rows_in_place_in_queries_that_do_not_grow(
    refreshed, section, author
):
    """A pending suggestion suggested again keeps its row (updated, not deleted and
    inserted again); the refresh writes every row with a statement per kind of write."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consultation = refreshed["consultation"]
    before = {(s.item_id, s.theme_id): s.pk for s in pending(None)}

    def refresh_queries():
        with CaptureQueriesContext(connection) as captured:
            refresh_suggestions(consultation=consultation)
        return len(captured.captured_queries)

    def write(suffix):
        for text in UNCODED.values():
            comment_on(section, consultation=consultation, author=author, text=text + suffix)

    write(" Indeed.")
    few = refresh_queries()  # rows updated and rows inserted
    after = {(s.item_id, s.theme_id): s.pk for s in pending(None)}
    assert {pair: after[pair] for pair in before} == before  # suggested again: same rows
    assert len(after) == 2 * len(before)
    write(" Quite so.")
    write(" Yes.")
    assert refresh_queries() == few
    assert len(pending(None)) == 4 * len(before)
