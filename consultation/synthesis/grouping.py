"""Writing campaign groups: a consultation's groups recomputed from all its items, and new
items placed into them as they arrive (the engine is consultation.synthesis.campaigns).

Items that count in the analysis take part (a withdrawn or rejected item never joins). A
recompute keeps the numbers of groups that keep most of their members. New items are
placed in two steps: an item whose normalised text (`FeedbackItem.text_hash`) is already
a member's joins that member's group with its score (one indexed look-up); the rest go
through the engine's `assign` against the stored templates, with the consultation's
ungrouped items, so that two new copies of a letter, or a copy of an earlier response,
make a new group. `CampaignState.placed_through` remembers the last item id placed, so a
task that runs after another has done the work finds nothing to do. An item edited (its
words changed, or it left or rejoined the analysis) is placed again the same way
(`place_again`): it leaves its group and joins whichever its words now belong to, if any.
Keyword-only arguments; each writes in one transaction, holding the consultation's state
row locked so two placements never race.
"""

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from consultation.feedback.models import FeedbackItem
from consultation.synthesis import campaigns, coding
from consultation.synthesis.models import (
    CampaignGroup,
    CampaignMembership,
    CampaignState,
    CodingAction,
)
from hub.core.bulk import insert_rows

READ_CHUNK = 5_000


def _eligible(consultation):
    return FeedbackItem.objects.filter(consultation=consultation, in_analysis=True)


def _texts(queryset):
    """(id, text) of every item of `queryset`, read in id order a chunk at a time."""
    last = 0
    while True:
        rows = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", "text")[:READ_CHUNK]
        )
        yield from rows
        if len(rows) < READ_CHUNK:
            return
        last = rows[-1][0]


def _stored(consultation):
    """The consultation's groups as the engine's Campaigns (with their members), by id."""
    groups = {
        group.number: group
        for group in CampaignGroup.objects.filter(consultation=consultation).order_by("number")
    }
    members = {number: {} for number in groups}
    rows = CampaignMembership.objects.filter(group__consultation=consultation).values_list(
        "group__number", "item_id", "score"
    )
    for number, item_id, score in rows.iterator(chunk_size=READ_CHUNK):
        members[number][item_id] = score
    found = []
    for number, group in groups.items():
        data = {
            "version": group.method_version,
            "id": number,
            "template_text": group.template_text,
            "template_member": group.template_item_id,
            "template": group.template_shingles,
            "members": list(members[number].items()),
        }
        try:
            found.append(campaigns.Campaign.from_data(data))
        except ValueError:  # made by another method: a recompute replaces it
            continue
    return found


def _locked_state(consultation):
    state, _ = CampaignState.objects.get_or_create(consultation=consultation)
    return CampaignState.objects.select_for_update().get(pk=state.pk)


def _write(consultation, found, *, replace_all):
    """Store `found` (Campaigns): groups by number created or updated, their members
    rewritten; with `replace_all`, groups no longer found go. Sizes and dates from the
    members."""
    existing = {
        group.number: group for group in CampaignGroup.objects.filter(consultation=consultation)
    }
    numbers = {campaign.id for campaign in found}
    if replace_all:
        CampaignGroup.objects.filter(consultation=consultation).exclude(number__in=numbers).delete()
        CampaignMembership.objects.filter(group__consultation=consultation).delete()
    for campaign in found:
        data = campaign.to_data()
        fields = {
            "template_text": campaign.template_text,
            "template_item_id": campaign.template_member,
            "template_shingles": data["template"],
            "method_version": data["version"],
            "size": campaign.size,
        }
        group = existing.get(campaign.id)
        if group is None:
            group = CampaignGroup.objects.create(
                consultation=consultation, number=campaign.id, **fields
            )
        else:
            CampaignGroup.objects.filter(pk=group.pk).update(**fields)
        new_members = campaign.members
        if not replace_all:
            known = set(
                CampaignMembership.objects.filter(group=group).values_list("item_id", flat=True)
            )
            new_members = {k: v for k, v in campaign.members.items() if k not in known}
        insert_rows(
            CampaignMembership,
            [
                {"group_id": group.pk, "item_id": item_id, "score": score}
                for item_id, score in new_members.items()
            ],
        )
    refresh_groups(consultation=consultation)


def refresh_groups(*, consultation):
    """Sizes and first/last dates of the consultation's groups from their members; a group
    left with fewer than two (its other items deleted, an import undone) goes."""
    stats = (
        CampaignMembership.objects.filter(group__consultation=consultation)
        .values("group_id")
        .annotate(size=Count("pk"), first=Min("item__created_at"), last=Max("item__created_at"))
    )
    seen = set()
    for row in stats:
        seen.add(row["group_id"])
        CampaignGroup.objects.filter(pk=row["group_id"]).update(
            size=row["size"], first_at=row["first"], last_at=row["last"]
        )
    groups = CampaignGroup.objects.filter(consultation=consultation)
    groups.exclude(pk__in=seen).delete()
    groups.filter(size__lt=2).delete()
    # A group whose template item went (an import undone) shows its best member's text
    # instead, so no deleted text is kept.
    for group in groups.filter(template_item__isnull=True):
        best = group.memberships.select_related("item").order_by("-score", "item_id").first()
        group.template_item_id, group.template_text = best.item_id, best.item.text
        group.save(update_fields=["template_item", "template_text"])


def recompute(*, consultation, progress=None):
    """Group every item of `consultation` that counts in the analysis from scratch and
    store the groups (numbers kept where a group keeps most of its members). Returns the
    groups found (engine Campaigns), largest first."""
    previous = _stored(consultation)
    newest = _eligible(consultation).aggregate(newest=Max("pk"))["newest"] or 0
    found = campaigns.find_campaigns(
        _texts(_eligible(consultation).filter(pk__lte=newest)),
        previous=previous,
        progress=progress,
    )
    with transaction.atomic():
        state = _locked_state(consultation)
        _write(consultation, found, replace_all=True)
        state.placed_through = max(state.placed_through, newest)
        state.recomputed_at = timezone.now()
        state.save(update_fields=["placed_through", "recomputed_at"])
    return found


def place_new(*, consultation):
    """Place the consultation's items newer than the last placed: exact copies of a member
    by their text hash, the rest by the engine against the stored templates (with the
    ungrouped items, to find new groups). Returns how many items joined a group."""
    with transaction.atomic():
        state = _locked_state(consultation)
        fresh = _eligible(consultation).filter(pk__gt=state.placed_through)
        newest = fresh.aggregate(newest=Max("pk"))["newest"]
        if newest is None:
            return 0
        fresh = fresh.filter(pk__lte=newest).exclude(campaign_membership__isnull=False)
        joined = _place(consultation, fresh, older=state.placed_through)
        state.placed_through = newest
        state.placed_at = timezone.now()
        state.save(update_fields=["placed_through", "placed_at"])
    return joined


def _place(consultation, fresh, *, older):
    """Place the items of `fresh` (in no group): exact copies of a member by their text
    hash, the rest by the engine against the stored templates, with the ungrouped items up
    to id `older` (not of `fresh`) to find new groups. Returns how many joined a group."""
    joined = _place_exact_copies(consultation, fresh)
    stored = _stored(consultation)
    new_items = list(_texts(fresh.filter(campaign_membership__isnull=True)))
    if not new_items:
        refresh_groups(consultation=consultation)
        return joined
    placing = {pk for pk, _text in new_items}
    grouped = {member for campaign in stored for member in campaign.members}
    ungrouped = [
        pair
        for pair in _texts(_eligible(consultation).filter(pk__lte=older))
        if pair[0] not in grouped and pair[0] not in placing
    ]
    before = sum(campaign.size for campaign in stored)
    found = campaigns.assign(new_items, stored, ungrouped=ungrouped)
    _write(consultation, found, replace_all=False)
    return joined + sum(campaign.size for campaign in found) - before


def place_again(*, consultation, item_ids):
    """Place the items `item_ids` again after an edit: each leaves its group, and those
    that count in the analysis join the group their words now belong to (or a new one
    with an ungrouped item, or none). Returns how many joined a group."""
    with transaction.atomic():
        state = _locked_state(consultation)
        items = _eligible(consultation).filter(pk__in=item_ids, pk__lte=state.placed_through)
        CampaignMembership.objects.filter(
            group__consultation=consultation, item_id__in=item_ids
        ).delete()
        # A group shows a member's words as its template: not the words an edit replaced
        # (refresh_groups shows its best remaining member's instead).
        CampaignGroup.objects.filter(
            consultation=consultation, template_item_id__in=item_ids
        ).update(template_item=None)
        # Newer items are placed by place_new, as they arrived.
        return _place(consultation, items, older=state.placed_through)


def _place_exact_copies(consultation, fresh):
    """New items whose normalised text is a member's join that member's group, with its
    score (the same words contain the same share of the template)."""
    pending = list(fresh.values_list("pk", "text_hash"))
    if not pending:
        return 0
    by_hash = {}
    hashes = sorted({text_hash for _, text_hash in pending})
    for start in range(0, len(hashes), READ_CHUNK):
        rows = CampaignMembership.objects.filter(
            group__consultation=consultation,
            item__text_hash__in=hashes[start : start + READ_CHUNK],
        ).values_list("item__text_hash", "group_id", "score")
        for text_hash, group_id, score in rows:
            by_hash.setdefault(text_hash, (group_id, score))
    rows = [
        {"group_id": by_hash[text_hash][0], "item_id": pk, "score": by_hash[text_hash][1]}
        for pk, text_hash in pending
        if text_hash in by_hash
    ]
    insert_rows(CampaignMembership, rows)
    return len(rows)


def campaign_code(*, actor, group, themes, remove=False):
    """Apply `themes` to every member of `group` (or remove them), as one coding action
    of scope CAMPAIGN that records the group; returns the action."""
    item_ids = list(
        CampaignMembership.objects.filter(group=group)
        .order_by("item_id")
        .values_list("item_id", flat=True)
    )
    write = coding.remove_themes if remove else coding.apply_themes
    return write(
        actor=actor,
        consultation=group.consultation,
        item_ids=item_ids,
        themes=themes,
        scope=CodingAction.Scope.CAMPAIGN,
        search=f"campaign={group.number}",
    )
