"""Campaign groups stored and kept up to date: `manage.py find_campaigns` recomputes them
(with a progress bar, numbers kept), new items join after their write commits (a comment
posted through the site, an imported file, a questionnaire answer), an undone import
leaves no group behind; the Working group's pages list the groups, show one with its
members paged, and apply or remove themes on the whole group as one action."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.synthetic import campaign_copies, own_corpus
from consultation.feedback.models import FeedbackItem
from consultation.feedback.signals import items_edited
from consultation.imports import services as import_services
from consultation.models import Comment
from consultation.synthesis import grouping
from consultation.synthesis.models import (
    CampaignGroup,
    CampaignMembership,
    CampaignState,
    Coding,
    CodingAction,
    Theme,
)
from tests.support.consultation_factories import comment_on, consultation_on, paragraph_ids
from tests.support.hostile import HOSTILE_MARKUP
from tests.support.questionnaire_factories import answered, questionnaire_on, two_pages

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
STUBS = ["I agree", "see attached", "No comment.", "", "I agree."]


def letters(count, *, letter=0, seed=0):
    """`count` personalised copies of a template letter, then as many original responses."""
    return campaign_copies(count, seed=seed, letter=letter, corpus=own_corpus())


def write(section, consultation, texts):
    return [
        FeedbackItem.objects.get(comment=comment_on(section, consultation=consultation, text=t))
        for t in texts
    ]


@pytest.fixture
def wg_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def campaign(section, consultation):
    """Four copies of a letter, four original responses and some stubs, grouped."""
    texts = letters(4)
    items = write(section, consultation, texts + STUBS * 2)
    grouping.recompute(consultation=consultation)
    return items[:4], items[4:]


def members(consultation):
    return {
        group.number: set(group.memberships.values_list("item_id", flat=True))
        for group in CampaignGroup.objects.filter(consultation=consultation)
    }


def test_find_campaigns_groups_the_copies_with_a_progress_bar(section, consultation):
    texts = letters(4)
    items = write(section, consultation, texts + STUBS * 3)
    out, err = io.StringIO(), io.StringIO()
    call_command("find_campaigns", "--consultation", consultation.slug, stdout=out, stderr=err)
    assert "1 campaign group of 4 items" in out.getvalue()
    assert "Reading" in err.getvalue() and "Assigning" in err.getvalue()
    group = CampaignGroup.objects.get(consultation=consultation)
    assert members(consultation) == {group.number: {item.pk for item in items[:4]}}
    assert group.size == 4
    assert group.template_text in texts[:4]
    assert group.first_at == items[0].created_at and group.last_at == items[3].created_at
    assert all(0.4 <= m.score <= 1 for m in group.memberships.all())
    assert CampaignState.objects.get(consultation=consultation).placed_through == items[-1].pk


def test_find_campaigns_refuses_an_unknown_slug(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No consultation"):
        call_command("find_campaigns", "--consultation", "nope", stdout=io.StringIO())


def test_recompute_keeps_the_number_and_is_idempotent(campaign, section, consultation):
    copies, _ = campaign
    number = CampaignGroup.objects.get().number
    grouping.recompute(consultation=consultation)
    grouping.recompute(consultation=consultation)
    assert members(consultation) == {number: {item.pk for item in copies}}


def test_a_posted_comment_joins_its_campaign_after_commit(
    client, stakeholder, campaign, section, consultation, django_capture_on_commit_callbacks
):
    copies, _ = campaign
    pid = paragraph_ids(section)[0]
    client.force_login(stakeholder)
    copy = letters(5, seed=7)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/consultation/{consultation.slug}/sections/{section.pk}/comment/?paragraph={pid}",
            {"body": copy, "key": "campaign-1", "paragraph": pid},
        )
    assert response.status_code == 302
    item = FeedbackItem.objects.get(comment__author=stakeholder)
    group = CampaignGroup.objects.get()
    assert members(consultation) == {group.number: {c.pk for c in copies} | {item.pk}}
    assert group.size == 5
    assert group.last_at == item.created_at


def test_an_exact_copy_joins_by_its_hash_and_new_letters_make_a_new_group(
    campaign, section, consultation, django_capture_on_commit_callbacks
):
    copies, _ = campaign
    first = CampaignGroup.objects.get()
    score = first.memberships.get(item=copies[1]).score
    with django_capture_on_commit_callbacks(execute=True):
        exact = write(section, consultation, [copies[1].text.upper() + "!!"])[0]
        other = write(section, consultation, letters(3, letter=1, seed=3)[:3])
        write(section, consultation, STUBS)
    assert CampaignMembership.objects.get(item=exact).group == first
    assert CampaignMembership.objects.get(item=exact).score == score
    second = CampaignGroup.objects.exclude(pk=first.pk).get()
    assert set(second.memberships.values_list("item_id", flat=True)) == {i.pk for i in other}
    assert second.number == first.number + 1
    # The placing did what a full recompute does.
    placed = members(consultation)
    grouping.recompute(consultation=consultation)
    assert members(consultation) == placed


def test_a_task_with_nothing_new_changes_nothing(campaign, consultation):
    before = members(consultation)
    assert grouping.place_new(consultation=consultation) == 0
    assert members(consultation) == before


def test_imported_copies_join_and_undoing_the_import_dissolves_what_it_made(
    campaign, consultation, admin_user, django_capture_on_commit_callbacks
):
    copies, _ = campaign
    texts = [*letters(2, letter=2, seed=5)[:2], letters(6, seed=11)[0]]
    content = "Response\n" + "".join(f'"{text}"\n' for text in texts)
    batch = import_services.batch_create(
        consultation=consultation,
        user=None,
        file_name="letters.csv",
        file_format="csv",
        content=content.encode(),
    )
    import_services.batch_check(batch=batch)
    with django_capture_on_commit_callbacks(execute=True):
        import_services.batch_import(
            batch=import_services.batch_start(batch=batch), actor=admin_user
        )
    imported = list(FeedbackItem.objects.filter(import_source__batch=batch).order_by("pk"))
    groups = members(consultation)
    assert len(groups) == 2
    assert imported[2].pk in groups[CampaignGroup.objects.get(size=5).number]
    assert {imported[0].pk, imported[1].pk} in groups.values()

    import_services.batch_undo(batch=batch, actor=admin_user)
    assert members(consultation) == {CampaignGroup.objects.get().number: {c.pk for c in copies}}
    assert CampaignGroup.objects.get().size == 4


def test_a_group_whose_template_item_goes_keeps_none_of_its_text(campaign, consultation):
    group = CampaignGroup.objects.get()
    gone = group.template_item
    FeedbackItem.objects.filter(pk=gone.pk).delete()
    grouping.refresh_groups(consultation=consultation)
    group.refresh_from_db()
    assert group.size == 3
    assert group.template_item_id not in (None, gone.pk)
    assert group.template_text == group.template_item.text != gone.text


def test_questionnaire_answers_join_a_campaign(
    campaign, consultation, stakeholder, django_capture_on_commit_callbacks
):
    questionnaire = questionnaire_on(consultation, pages=two_pages(text_limit=3000))
    copy = letters(6, seed=21)[1]
    with django_capture_on_commit_callbacks(execute=True):
        answered(questionnaire, stakeholder, text=copy)
    item = FeedbackItem.objects.get(answer_source__isnull=False)
    assert CampaignMembership.objects.get(item=item).group == CampaignGroup.objects.get()


# --- pages ------------------------------------------------------------------------------


def test_the_pages_list_the_groups_and_members(wg_client, campaign, consultation):
    copies, originals = campaign
    group = CampaignGroup.objects.get()
    page = wg_client.get("/synthesis/campaigns/")
    assert page.status_code == 200
    assert consultation.title in page.content.decode()
    listing = wg_client.get(f"/synthesis/campaigns/{consultation.slug}/").content.decode()
    assert f"Campaign {group.number}" in listing
    assert group.template_text.split()[0] in listing
    detail = wg_client.get(f"/synthesis/campaigns/{consultation.slug}/{group.number}/")
    html = detail.content.decode()
    assert detail.status_code == 200
    for item in copies:
        assert f"/synthesis/items/{item.pk}/" in html
    for item in originals:
        assert f"/synthesis/items/{item.pk}/" not in html
    for member in group.memberships.all():  # each member's share of the template
        assert f"{round(member.score * 100)}%" in html
    item_page = wg_client.get(f"/synthesis/items/{copies[0].pk}/").content.decode()
    assert f"/synthesis/campaigns/{consultation.slug}/{group.number}/" in item_page
    other = wg_client.get(f"/synthesis/items/{originals[0].pk}/").content.decode()
    assert "/synthesis/campaigns/" not in other


def test_a_missing_group_is_a_404(wg_client, campaign, consultation):
    assert wg_client.get(f"/synthesis/campaigns/{consultation.slug}/999/").status_code == 404
    assert wg_client.get("/synthesis/campaigns/nope/").status_code == 404


def test_members_are_paged_with_flat_queries(wg_client, section, consultation):
    texts = letters(60, seed=2)[:60]
    write(section, consultation, texts)
    grouping.recompute(consultation=consultation)
    group = CampaignGroup.objects.get()
    theme = Theme.objects.create(consultation=consultation, name="Access")
    grouping.campaign_code(actor=None, group=group, themes=[theme])
    url = f"/synthesis/campaigns/{consultation.slug}/{group.number}/"
    wg_client.get("/synthesis/campaigns/")  # what a first request does once
    with CaptureQueriesContext(connection) as full_page:
        first = wg_client.get(url)
    html = first.content.decode()
    assert html.count("/synthesis/items/") >= 50
    assert "Page 1 of 2" not in html and "Page 2 of 2" in html
    assert html.count("Access") >= 50
    with CaptureQueriesContext(connection) as short_page:
        second = wg_client.get(url + "?page=2").content.decode()
    # Fifty members cost the queries that ten do.
    assert len(full_page) == len(short_page)
    shown = second.count('scope="row" class="nhsuk-table__cell"><a href="/synthesis/items/')
    assert shown == group.size - 50


def test_coding_a_group_applies_and_removes_themes_on_every_member(
    wg_client, campaign, consultation, analyst
):
    copies, originals = campaign
    group = CampaignGroup.objects.get()
    themes = [
        Theme.objects.create(consultation=consultation, name=name) for name in ("Access", "Trust")
    ]
    url = f"/synthesis/campaigns/{consultation.slug}/{group.number}/"
    response = wg_client.post(url, {"themes": [t.pk for t in themes], "action": "apply"})
    assert response.status_code == 302
    coded = set(Coding.objects.values_list("item_id", "theme__name"))
    assert coded == {(i.pk, n) for i in copies for n in ("Access", "Trust")}
    action = CodingAction.objects.get()
    assert action.scope == CodingAction.Scope.CAMPAIGN
    assert action.search == f"campaign={group.number}"
    assert action.actor == analyst
    assert "Applied 8 codes" in wg_client.get(url).content.decode()

    wg_client.post(url, {"themes": [themes[0].pk], "action": "remove"})
    coded = set(Coding.objects.values_list("item_id", "theme__name"))
    assert coded == {(i.pk, "Trust") for i in copies}
    assert not Coding.objects.filter(item__in=originals).exists()


def test_coding_a_group_refuses_bad_input(wg_client, campaign, section, consultation):
    other_consultation = consultation_on(section, slug="other")
    group = CampaignGroup.objects.get()
    foreign = Theme.objects.create(consultation=other_consultation, name="Elsewhere")
    Theme.objects.create(consultation=consultation, name=HOSTILE_MARKUP[0][:100])
    url = f"/synthesis/campaigns/{consultation.slug}/{group.number}/"
    for data, message in (
        ({"action": "apply"}, "Choose at least one theme."),
        ({"themes": [foreign.pk], "action": "apply"}, "this consultation"),
        ({"themes": ["<script>"], "action": "apply"}, "this consultation"),
        ({"themes": [Theme.objects.get(consultation=consultation).pk]}, "apply or remove"),
    ):
        response = wg_client.post(url, data)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert "<script>alert" not in html
    assert not Coding.objects.exists()
    assert not CodingAction.objects.exists()


def _edit(client, item, text, capture):
    client.force_login(item.comment.author)
    with capture(execute=True):
        response = client.post(f"/consultation/comments/{item.comment_id}/edit/", {"body": text})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text == text


def test_an_edit_moves_a_comment_into_its_campaign_and_out_again(
    client, campaign, section, consultation, django_capture_on_commit_callbacks
):
    copies, originals = campaign
    group = CampaignGroup.objects.get()
    mine = originals[0]
    assert not CampaignMembership.objects.filter(item=mine).exists()
    copy = letters(5, seed=11)[1]
    _edit(client, mine, copy, django_capture_on_commit_callbacks)  # now a copy of the letter
    group.refresh_from_db()
    assert members(consultation) == {group.number: {c.pk for c in copies} | {mine.pk}}
    assert group.size == 5
    _edit(
        client, mine, "My own view: fund district nurses first.", django_capture_on_commit_callbacks
    )
    group.refresh_from_db()
    assert members(consultation) == {group.number: {c.pk for c in copies}}
    assert group.size == 4
    # What a full recompute finds is what the edits left.
    placed = members(consultation)
    grouping.recompute(consultation=consultation)
    assert members(consultation) == placed


def test_an_edited_member_leaves_and_a_group_never_shows_the_words_it_replaced(
    client, campaign, section, consultation, django_capture_on_commit_callbacks
):
    copies, _ = campaign
    group = CampaignGroup.objects.get()
    template = next(item for item in copies if item.pk == group.template_item_id)
    old_words = template.text
    _edit(
        client,
        template,
        "Something else entirely, about rural bus routes.",
        django_capture_on_commit_callbacks,
    )
    group.refresh_from_db()
    assert template.pk not in members(consultation)[group.number]
    assert group.size == 3
    assert group.template_item_id != template.pk
    assert group.template_text != old_words
    # Edited until two are left alone: the group goes.
    for item in [c for c in copies if c.pk != template.pk][:2]:
        _edit(
            client,
            item,
            f"An original thought number {item.pk}.",
            django_capture_on_commit_callbacks,
        )
    assert not CampaignGroup.objects.exists()


def test_a_member_withdrawn_by_its_author_leaves_its_group(
    client, campaign, consultation, django_capture_on_commit_callbacks
):
    copies, _ = campaign
    group = CampaignGroup.objects.get()
    client.force_login(copies[0].comment.author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/consultation/comments/{copies[0].comment_id}/withdraw/")
    assert response.status_code == 302
    group.refresh_from_db()
    assert members(consultation) == {group.number: {c.pk for c in copies[1:]}}
    assert group.size == 3


def test_a_rebuild_that_finds_words_changed_behind_the_site_groups_them_again(
    campaign, section, consultation, django_capture_on_commit_callbacks
):
    """`reindex_feedback` (and the retention purge, through the same batch writer) tells
    the campaigns of items whose words or standing it changed, and of items it made."""
    copies, originals = campaign
    group = CampaignGroup.objects.get()
    # A copy's words repaired in the database by hand; a copy of the letter whose item was
    # lost; an item merely stale (its hash emptied), its words the same.
    Comment.objects.filter(pk=copies[0].comment_id).update(text="A view of my own, quite apart.")
    Comment.objects.filter(pk=originals[0].comment_id).update(text=letters(5, seed=11)[1])
    FeedbackItem.objects.filter(pk=originals[0].pk).delete()
    FeedbackItem.objects.filter(pk=copies[1].pk).update(text_hash="")
    announced = []

    def heard(*, item_ids, **_kwargs):
        announced.extend(item_ids)

    items_edited.connect(heard)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("reindex_feedback", "--engine", "database", stdout=io.StringIO())
    finally:
        items_edited.disconnect(heard)
    assert announced == [copies[0].pk]  # not the item whose words stayed the same
    remade = FeedbackItem.objects.get(comment_id=originals[0].comment_id)
    group.refresh_from_db()
    assert members(consultation) == {group.number: {c.pk for c in copies[1:]} | {remade.pk}}
    assert group.size == 4
