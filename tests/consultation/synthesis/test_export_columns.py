"""The synthesis columns of the feedback export: each item's themes, stance, suggested
themes with their confidence (empty until the suggestions model exists), and its campaign
group with the group's size; in full and anonymised exports, CSV and JSON Lines, read a
chunk per query, hostile theme names neutralised like any cell."""

import csv
import io
import json

import pytest

from bench.synthetic import campaign_copies, own_corpus
from consultation.feedback import export
from consultation.feedback.models import FeedbackItem
from consultation.synthesis import coding, grouping
from consultation.synthesis.models import CampaignGroup, ItemReview, Stance, Theme
from tests.support.consultation_factories import comment_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
URL = "/synthesis/exports/draft/items/"
SYNTHESIS_COLUMNS = ["themes", "stance", "suggested_themes", "campaign_group", "campaign_size"]


@pytest.fixture
def wg_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def coded(section, consultation, analyst):
    """Four copies of a letter (a campaign), two originals; themes on some, a stance."""
    texts = campaign_copies(4, corpus=own_corpus())[:6]
    items = [
        FeedbackItem.objects.get(comment=comment_on(section, consultation=consultation, text=t))
        for t in texts
    ]
    grouping.recompute(consultation=consultation)
    themes = [
        Theme.objects.create(consultation=consultation, name=name)
        for name in ("Trust", "access", '=HYPERLINK("x")')
    ]
    coding.apply_themes(
        actor=analyst, consultation=consultation, item_ids=[items[0].pk], themes=themes
    )
    coding.apply_themes(
        actor=analyst, consultation=consultation, item_ids=[items[4].pk], themes=themes[:1]
    )
    ItemReview.objects.create(item=items[0], stance=Stance.OPPOSES)
    return items


def rows_of(client, **params):
    response = client.get(URL, params)
    body = b"".join(response.streaming_content).decode("utf-8")
    if params.get("format") == "jsonl":
        return [json.loads(line) for line in body.splitlines()]
    return list(csv.DictReader(io.StringIO(body[1:])))


@pytest.mark.parametrize("anonymised", ["", "1"])
def test_each_item_carries_its_codes_stance_and_campaign(wg_client, coded, anonymised):
    group = CampaignGroup.objects.get()
    by_id = {int(row["item_id"]): row for row in rows_of(wg_client, anonymised=anonymised)}
    first, other = by_id[coded[0].pk], by_id[coded[4].pk]
    assert list(first)[-7:-2] == SYNTHESIS_COLUMNS
    # Sorted by name whatever the case; a formula-like name is neutralised in CSV.
    assert first["themes"] == '\'=HYPERLINK("x"); access; Trust'
    assert first["stance"] == "Opposes"
    assert first["suggested_themes"] == ""  # no suggestions model yet
    assert first["campaign_group"] == str(group.number)
    assert first["campaign_size"] == "4"
    assert (other["themes"], other["stance"], other["campaign_group"]) == ("Trust", "", "")
    assert by_id[coded[5].pk]["themes"] == ""


def test_json_lines_carry_numbers_as_numbers(wg_client, coded):
    rows = {row["item_id"]: row for row in rows_of(wg_client, format="jsonl")}
    assert rows[coded[1].pk]["campaign_size"] == 4
    assert rows[coded[0].pk]["themes"] == '=HYPERLINK("x"); access; Trust'


def test_the_columns_cost_no_query_per_row(
    wg_client, coded, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(export, "CHUNK_SIZE", 2)
    response = wg_client.get(URL, {"format": "jsonl"})
    # Six items in chunks of two: four reads of ids and three of rows.
    with django_assert_max_num_queries(7):
        body = b"".join(response.streaming_content).decode("utf-8")
    assert body.count("\n") == 6


def test_suggestions_are_formatted_best_first():
    joined = export.SEPARATOR.join(
        [f"Trust{export.RECORD}0.41", f"Access{export.RECORD}0.8333", f"Bad{export.RECORD}x"]
    )
    assert export._suggestions(joined) == "Access (0.83); Trust (0.41)"
    assert export._suggestions(None) == ""
