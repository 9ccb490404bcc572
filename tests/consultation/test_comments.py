"""Paragraph-anchored comments through HTTP: the no-JavaScript form flow, the fragment flow
the page script uses, "made on version N", double submissions, pre-moderation and
private consultations."""

import pytest

from consultation.models import Comment, Status
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.pages import publish

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

FRAGMENT = {"HTTP_X_HUB_FRAGMENT": "1"}


def form_url(consultation, section, paragraph_id=""):
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    return f"{url}?paragraph={paragraph_id}" if paragraph_id else url


def test_paragraph_shows_count_and_comment_action(client, section, consultation):
    first, second = paragraph_ids(section)
    comment_on(section, consultation=consultation, paragraph_id=first, body="<p>Seen.</p>")
    comment_on(section, consultation=consultation, paragraph_id=first, body="<p>Also.</p>")
    html = client.get(section.url).content.decode()
    assert '<span data-hub-count="2">2 comments</span>' in html
    assert f'href="{form_url(consultation, section, first)}"' in html
    assert f'href="{form_url(consultation, section, second)}"' in html
    assert "Comment on this paragraph" in html
    assert "Open for comments" in html and "closes in" in html
    # A paragraph without comments says so, as plain muted text beside the action.
    assert html.count("No comments yet") == 1
    assert (
        '<p class="hub-paragraph-tools__action"><span class="hub-comments-empty '
        'hub-paragraph-tools__none">No comments yet<span class="nhsuk-u-visually-hidden"> on '
        f'paragraph 2</span></span><a href="{form_url(consultation, section, second)}"'
    ) in html


def test_paragraphs_without_comments_say_so_also_after_closing(client, section, consultation):
    import datetime

    from django.utils import timezone

    consultation.opens_at = timezone.now() - datetime.timedelta(days=9)
    consultation.closes_at = timezone.now() - datetime.timedelta(days=2)
    consultation.save()
    html = client.get(section.url).content.decode()
    assert html.count("No comments yet<span") == len(paragraph_ids(section))
    assert "Comment on this paragraph" not in html
    # In a private consultation a reader sees only their own comments: "none yet" would
    # be wrong about everyone else's.
    consultation.comments_public = False
    consultation.save()
    assert "No comments yet" not in client.get(section.url).content.decode()


def test_comment_without_javascript_redirects_back_to_the_paragraph(
    client, section, consultation, stakeholder
):
    pid = paragraph_ids(section)[1]
    client.force_login(stakeholder)
    page = client.get(form_url(consultation, section, pid))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Comment on paragraph 2" in html
    assert "Second paragraph." in html  # the paragraph is quoted above the form
    assert 'name="csrfmiddlewaretoken"' in html

    response = client.post(
        form_url(consultation, section, pid),
        {"body": "Needs **evidence**.\n\n- cost\n- safety", "key": "k1", "paragraph": pid},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{section.url}?paragraph={pid}#p-{pid}"
    comment = Comment.objects.get()
    assert comment.paragraph_id == pid
    assert comment.section_id == section.pk
    assert comment.revision_id == section.live_revision_id
    assert comment.status == Status.PUBLISHED
    assert comment.body == (
        "<p>Needs <strong>evidence</strong>.</p><ul><li>cost</li><li>safety</li></ul>"
    )

    page = client.get(response["Location"]).content.decode()
    assert "Your comment has been posted." in page
    assert f'id="comments-p-{pid}" open' in page  # the paragraph's comments are open
    assert "Needs <strong>evidence</strong>." in page


def test_comment_on_the_whole_section(client, section, consultation, stakeholder):
    client.force_login(stakeholder)
    response = client.post(form_url(consultation, section), {"body": "Overall, good.", "key": "s"})
    assert response["Location"] == f"{section.url}?paragraph=section#section-comments"
    assert Comment.objects.get().paragraph_id == ""
    page = client.get(section.url).content.decode()
    assert "Comments on the whole section" in page and "Overall, good." in page


def test_fragment_flow_returns_the_rendered_comment(client, section, consultation, stakeholder):
    pid = paragraph_ids(section)[0]
    client.force_login(stakeholder)
    form = client.get(form_url(consultation, section, pid), **FRAGMENT)
    assert form.status_code == 200
    assert "<html" not in form.content.decode() and "data-hub-post" in form.content.decode()

    created = client.post(
        form_url(consultation, section, pid), {"body": "Inline!", "key": "f1"}, **FRAGMENT
    )
    assert created.status_code == 201
    fragment = created.content.decode()
    comment = Comment.objects.get()
    assert fragment.strip().startswith('<li class="hub-thread"')
    assert f'id="comment-{comment.pk}"' in fragment and "Inline!" in fragment

    invalid = client.post(
        form_url(consultation, section, pid), {"body": "   ", "key": "f2"}, **FRAGMENT
    )
    assert invalid.status_code == 422
    assert "There is a problem" in invalid.content.decode()
    assert "Enter your comment." in invalid.content.decode()
    assert Comment.objects.count() == 1


def test_empty_comment_gets_an_error_summary_and_stores_nothing(
    client, section, consultation, stakeholder
):
    client.force_login(stakeholder)
    response = client.post(form_url(consultation, section), {"body": "", "key": "e"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html and 'href="#id_body"' in html
    assert "nhsuk-error-message" in html
    assert not Comment.objects.exists()


def test_unknown_paragraph_is_not_found(client, section, consultation, stakeholder):
    client.force_login(stakeholder)
    url = form_url(consultation, section, "not-a-paragraph")
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "x", "key": "u"}).status_code == 404
    assert not Comment.objects.exists()


def test_section_outside_the_consultation_is_not_found(
    client, site_tree, consultation, stakeholder
):
    from tests.support.factories import SectionPageFactory

    other = publish(SectionPageFactory(parent=site_tree["strategy"], slug="not-covered"))
    client.force_login(stakeholder)
    assert client.get(form_url(consultation, other)).status_code == 404


def test_double_submission_is_stored_once(client, section, consultation, stakeholder):
    pid = paragraph_ids(section)[0]
    client.force_login(stakeholder)
    data = {"body": "Clicked twice", "key": "same-form", "paragraph": pid}
    first = client.post(form_url(consultation, section, pid), data)
    second = client.post(form_url(consultation, section, pid), data)
    assert first.status_code == second.status_code == 302
    assert Comment.objects.count() == 1
    # A new form (new key) with the same words is a new comment.
    client.post(form_url(consultation, section, pid), {**data, "key": "another-form"})
    assert Comment.objects.count() == 2


def test_comment_on_changed_paragraph_says_made_on_version_n(
    client, section, consultation, stakeholder
):
    first, second = paragraph_ids(section)
    old = comment_on(section, consultation=consultation, paragraph_id=first, body="<p>Old.</p>")
    kept = comment_on(section, consultation=consultation, paragraph_id=second, body="<p>Kept.</p>")
    versions_before = len(section.published_versions())

    raw = section.body.raw_data
    raw[0]["value"] = "<p>First paragraph, rewritten.</p>"
    section.body = raw
    publish(section)

    html = client.get(section.url).content.decode()
    version_url = f"{section.url}versions/{versions_before}/"
    start = html.index(f'id="comment-{old.pk}"')
    assert f'made on <a href="{version_url}">version {versions_before}</a>' in html[start:][:3000]
    kept_html = html[html.index(f'id="comment-{kept.pk}"') :][:3000]
    assert "made on" not in kept_html.split("</li>")[0]
    assert client.get(version_url).status_code == 200


def test_comments_on_a_removed_paragraph_are_listed_with_their_version(
    client, section, consultation
):
    first, _second = paragraph_ids(section)
    gone = comment_on(section, consultation=consultation, paragraph_id=first, body="<p>Gone.</p>")
    section.body = section.body.raw_data[1:]
    publish(section)
    html = client.get(section.url).content.decode()
    assert "Comments on text no longer in this version" in html
    assert f'id="comment-{gone.pk}"' in html and "made on" in html


def test_premoderated_comment_waits_and_only_its_author_sees_it(
    client, section, consultation, stakeholder, other_stakeholder
):
    consultation.moderation = "pre"
    consultation.save()
    pid = paragraph_ids(section)[0]
    client.force_login(stakeholder)
    client.post(form_url(consultation, section, pid), {"body": "Please check me", "key": "p"})
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    own_view = client.get(section.url).content.decode()
    assert "Please check me" in own_view and "Waiting for a moderator" in own_view

    client.force_login(other_stakeholder)
    assert "Please check me" not in client.get(section.url).content.decode()
    client.logout()
    assert "Please check me" not in client.get(section.url).content.decode()
    assert client.get(f"/consultation/comments/{comment.pk}/").status_code == 404


def test_private_consultation_shows_comments_to_their_author_only(
    client, section, consultation, stakeholder, other_stakeholder, moderator
):
    consultation.comments_public = False
    consultation.save()
    mine = comment_on(section, consultation=consultation, author=stakeholder, body="<p>Mine.</p>")
    client.force_login(other_stakeholder)
    html = client.get(section.url).content.decode()
    assert "Mine." not in html
    assert "only you and the working group see what you write" in html
    assert client.get(f"/consultation/comments/{mine.pk}/").status_code == 404
    client.force_login(stakeholder)
    assert "Mine." in client.get(section.url).content.decode()
    client.force_login(moderator)
    assert client.get(f"/consultation/comments/{mine.pk}/").status_code == 200


def test_upcoming_and_closed_consultations_say_so(client, section, consultation, stakeholder):
    import datetime

    from django.utils import timezone

    consultation.opens_at = timezone.now() + datetime.timedelta(days=2)
    consultation.closes_at = timezone.now() + datetime.timedelta(days=9)
    consultation.save()
    html = client.get(section.url).content.decode()
    assert "opens for comments on" in html and "Comment on this paragraph" not in html

    consultation.opens_at = timezone.now() - datetime.timedelta(days=9)
    consultation.closes_at = timezone.now() - datetime.timedelta(days=2)
    consultation.save()
    html = client.get(section.url).content.decode()
    assert "closed on" in html and "no longer accepted" in html
    assert "Comment on this paragraph" not in html


def test_section_without_consultation_shows_no_comment_tools(client, site_tree):
    html = client.get(site_tree["section"].url).content.decode()
    assert "Comment on this paragraph" not in html
    assert "Comments on the whole section" not in html


def test_long_lists_show_the_first_threads_with_right_counts(client, section, consultation):
    from consultation import conf

    pid = paragraph_ids(section)[0]
    roots = [
        comment_on(section, consultation=consultation, paragraph_id=pid, body=f"<p>Root {n}</p>")
        for n in range(conf.THREADS_PER_PARAGRAPH + 2)
    ]
    for n in range(conf.REPLIES_PER_THREAD + 3):
        comment_on(section, consultation=consultation, parent=roots[-1], body=f"<p>Reply {n}</p>")
    total = len(roots) + conf.REPLIES_PER_THREAD + 3
    html = client.get(section.url).content.decode()
    assert f'data-hub-count="{total}"' in html
    assert f"See all {total} comments on paragraph 1" in html
    assert "Show the whole conversation (13 replies)" in html
    assert html.count('class="hub-thread"') == conf.THREADS_PER_PARAGRAPH

    listing = client.get(
        f"/consultation/{consultation.slug}/sections/{section.pk}/comments/{pid}/"
    ).content.decode()
    assert f"{len(roots)} conversations" in listing
    assert listing.count('class="hub-thread"') == len(roots)
    # The listing shows each conversation's first replies, as the section page does; the
    # conversation's own page has them all.
    assert "Reply 9" in listing and "Reply 10" not in listing
    assert "Show the whole conversation (13 replies)" in listing

    thread = client.get(f"/consultation/comments/{roots[-1].pk}/").content.decode()
    assert thread.count("hub-comment hub-comment--depth") == conf.REPLIES_PER_THREAD + 4
    assert "Reply 12" in thread


def test_paragraph_list_sorts_by_agreement(client, section, consultation, other_stakeholder):
    from consultation.models import Reaction

    pid = paragraph_ids(section)[0]
    quiet = comment_on(section, consultation=consultation, paragraph_id=pid, body="<p>Quiet</p>")
    liked = comment_on(section, consultation=consultation, paragraph_id=pid, body="<p>Liked</p>")
    Reaction.objects.create(comment=liked, user=other_stakeholder, value="agree")
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comments/{pid}/"
    by_agreement = client.get(url, {"order": "agreed"}).content.decode()
    assert by_agreement.index("Liked") < by_agreement.index("Quiet")
    oldest = client.get(url, {"order": "nonsense"}).content.decode()
    assert oldest.index("Quiet") < oldest.index("Liked")
    assert quiet.pk < liked.pk


def test_commenters_on_section_for_new_version_emails(section, consultation, stakeholder, user):
    from consultation.selectors.consultations import commenters_on_section

    comment_on(section, consultation=consultation, author=stakeholder)
    comment_on(section, consultation=consultation, author=stakeholder)
    comment_on(section, consultation=consultation, author=user, status=Status.WITHDRAWN)
    rejected = comment_on(section, consultation=consultation, status=Status.REJECTED)
    people = list(commenters_on_section(section))
    assert people == [stakeholder]
    assert rejected.author not in people
