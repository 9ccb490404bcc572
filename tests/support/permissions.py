"""The permission matrix of the consultation and notifications apps: every view with the
request that reaches it (VIEWS), what each role should get from each (EXPECTED), and what
walks it: making each role's person, signing them in as they would, fresh values for every
row, and reading where a response leads. The test_permissions*.py modules walk it for
open, closed, upcoming, private and restricted consultations."""

from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from consultation.feedback.models import FeedbackItem
from consultation.imports import services as import_services
from consultation.models import BlockedUser
from consultation.notifications import tokens
from consultation.notifications.models import Kind
from consultation.synthesis import coding
from consultation.synthesis.models import (
    CampaignGroup,
    CampaignMembership,
    CodeImport,
    PinnedQuote,
    SynthesisResponse,
    Theme,
    ThemeSuggestion,
)
from hub.accounts.rules import EDITORS, MODERATORS, WORKING_GROUP
from tests.support import factories
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.factories import in_group, with_mfa
from tests.support.notification_factories import SubscriberFactory

# (name, method, url template, POST data). Templates use {slug}, {section}, {paragraph},
# {topic}, {comment} (a comment by the "author" role), {item} (that comment's feedback
# item), {suggestion} (a theme suggestion waiting for review on that item; {rejected}
# one rejected), {person} (a
# stakeholder), {batch} (an import batch checked and ready, or imported
# for the undo rows), and for
# the emails' links {unsubscribe} / {confirm} (valid signed tokens), {unsubscribe_bad} /
# {confirm_bad} (the same with a changed signature) and {email}.
SECTION = "/consultation/{slug}/sections/{section}"
COMMENT = "/consultation/comments/{comment}"
TOPIC = "/consultation/{slug}/discussion/{topic}"
MODERATION = "/consultation/moderation"
IMPORTS = "/consultation/imports"
UNSUBSCRIBE = "/notifications/unsubscribe/replies"
CONFIRM = "/notifications/subscribe/confirm"
OUTCOMES = "/synthesis/consultations/{slug}"
WRITE = {"body": "Hi", "key": "{key}"}
CODE_CAMPAIGN = {"themes": "{theme}", "action": "apply"}
# The coding workspace: {theme} is a theme of the consultation's codebook, {coding_action}
# a coding action (that theme applied to a fresh item) to undo.
CODEBOOK = "/synthesis/codebook/{slug}"
ITEM = "/synthesis/items/{item}"
BULK = {"consultation": "{consultation}", "do": "apply-selection", "themes": "{theme}",
        "items": "{item}", "search": "q=care"}  # fmt: skip

VIEWS = [
    ("section page", "get", "{section_url}", None),
    ("index", "get", "/consultation/", None),
    ("detail", "get", "/consultation/{slug}/", None),
    ("paragraph list", "get", SECTION + "/comments/{paragraph}/", None),
    ("permalink", "get", COMMENT + "/", None),
    ("discussion", "get", "/consultation/{slug}/discussion/", None),
    ("topic", "get", TOPIC + "/", None),
    ("my contributions", "get", "/consultation/my-contributions/", None),
    ("comment form", "get", SECTION + "/comment/?paragraph={paragraph}", None),
    ("comment", "post", SECTION + "/comment/?paragraph={paragraph}", WRITE),
    ("reply form", "get", COMMENT + "/reply/", None),
    ("reply", "post", COMMENT + "/reply/", WRITE),
    ("edit form", "get", COMMENT + "/edit/", None),
    ("edit", "post", COMMENT + "/edit/", {"body": "Changed"}),
    ("withdraw form", "get", COMMENT + "/withdraw/", None),
    ("withdraw", "post", COMMENT + "/withdraw/", {}),
    ("react", "post", COMMENT + "/react/", {"reaction": "agree"}),
    ("report form", "get", COMMENT + "/report/", None),
    ("report", "post", COMMENT + "/report/", {"reason": "spam"}),
    ("thread form", "get", TOPIC + "/new/", None),
    ("thread", "post", TOPIC + "/new/", {**WRITE, "title": "T"}),
    ("queue", "get", MODERATION + "/", None),
    ("moderation item", "get", MODERATION + "/items/{comment}/", None),
    ("decide", "post", MODERATION + "/items/{comment}/", {"action": "hide", "reason": "R"}),
    ("participant", "get", MODERATION + "/participants/{person}/", None),
    ("block", "post", MODERATION + "/participants/{person}/", {"do": "block", "reason": "R"}),
    ("audit log", "get", MODERATION + "/log/", None),
    ("feedback search", "get", "/synthesis/?q=care&sector=clinician", None),
    ("feedback download", "get", "/synthesis/download/?q=care", None),
    ("feedback item", "get", "/synthesis/items/{item}/", None),
    ("exports", "get", "/synthesis/exports/", None),
    ("suggestions", "get", "/synthesis/suggestions/", None),
    ("suggestion queue", "get", "/synthesis/suggestions/{slug}/?theme=", None),
    ("accept suggestion", "post", "/synthesis/suggestions/{suggestion}/accept/", {}),
    ("reject suggestion", "post", "/synthesis/suggestions/{suggestion}/reject/", {}),
    ("reconsider suggestion", "post", "/synthesis/suggestions/{rejected}/reconsider/", {}),
    ("export items", "get", "/synthesis/exports/{slug}/items/?format=jsonl&anonymised=1", None),
    ("synthesis index", "get", "/synthesis/consultations/", None),
    ("dashboard", "get", OUTCOMES + "/dashboard/?sectors_sort=total&sectors_order=desc", None),
    ("dashboard csv", "get", OUTCOMES + "/dashboard/sectors.csv", None),
    ("synthesis report", "get", OUTCOMES + "/report/", None),
    ("pin form", "get", "/synthesis/items/{item}/pin/", None),
    ("pin", "post", "/synthesis/items/{item}/pin/", {"theme": "{theme}", "confirmed": "on"}),
    ("unpin", "post", "/synthesis/quotes/{quote}/unpin/", {}),
    ("responses", "get", OUTCOMES + "/responses/", None),
    ("response form", "get", OUTCOMES + "/responses/new/", None),
    ("write response", "post", OUTCOMES + "/responses/new/", {"theme": "{theme}", "heard": "H"}),
    ("change response", "get", OUTCOMES + "/responses/{response}/", None),
    ("publish form", "get", OUTCOMES + "/responses/{response}/publish/", None),
    ("publish", "post", OUTCOMES + "/responses/{response}/publish/", {"action": "publish"}),
    ("outcome", "get", "/consultation/{slug}/outcome/", None),
    ("campaigns", "get", "/synthesis/campaigns/", None),
    ("campaign groups", "get", "/synthesis/campaigns/{slug}/", None),
    ("campaign", "get", "/synthesis/campaigns/{slug}/{campaign}/", None),
    ("code campaign", "post", "/synthesis/campaigns/{slug}/{campaign}/", CODE_CAMPAIGN),
    ("code imports", "get", "/synthesis/codes/", None),
    ("upload codes", "post", "/synthesis/codes/", {}),
    ("code import", "get", "/synthesis/codes/{code_import}/", None),
    ("apply codes", "post", "/synthesis/codes/{code_import}/apply/", {}),
    ("codebooks", "get", "/synthesis/codebook/", None),
    ("codebook", "get", CODEBOOK + "/", None),
    ("theme form", "get", CODEBOOK + "/themes/new/", None),
    ("add theme", "post", CODEBOOK + "/themes/new/", {"name": "{key}", "colour": "#005eb8"}),
    ("edit theme form", "get", CODEBOOK + "/themes/{theme}/", None),
    ("edit theme", "post", CODEBOOK + "/themes/{theme}/", {"name": "{key}", "colour": "#330072"}),
    ("delete theme form", "get", CODEBOOK + "/themes/{theme}/delete/", None),
    ("delete theme", "post", CODEBOOK + "/themes/{theme}/delete/", {}),
    ("coding history", "get", CODEBOOK + "/history/", None),
    ("bulk coding", "post", "/synthesis/coding/bulk/", BULK),
    ("undo coding", "post", "/synthesis/coding/actions/{coding_action}/undo/", {}),
    ("code item", "post", ITEM + "/themes/", {"themes": "{theme}"}),
    ("uncode item", "post", ITEM + "/themes/{theme}/remove/", {}),
    ("item stance", "post", ITEM + "/stance/", {"stance": "supports"}),
    ("assign item", "post", ITEM + "/assignee/", {"assignee": ""}),
    ("note on item", "post", ITEM + "/notes/", {"text": "A note."}),
    ("my assigned items", "get", "/synthesis/my-items/", None),
    ("imports", "get", IMPORTS + "/", None),
    ("upload", "post", IMPORTS + "/", {}),
    ("import batch", "get", IMPORTS + "/{batch}/", None),
    ("choose columns", "post", IMPORTS + "/{batch}/", {"text": "Response"}),
    ("import", "post", IMPORTS + "/{batch}/import/", {}),
    ("undo form", "get", IMPORTS + "/{imported_batch}/undo/", None),
    ("undo", "post", IMPORTS + "/{imported_batch}/undo/", {}),
    ("email choices", "get", "/notifications/preferences/", None),
    ("save email choices", "post", "/notifications/preferences/", {"replies": "on"}),
    ("unsubscribe page", "get", UNSUBSCRIBE + "/{unsubscribe}/", None),
    ("unsubscribe", "post", UNSUBSCRIBE + "/{unsubscribe}/", {}),
    ("unsubscribe page, tampered", "get", UNSUBSCRIBE + "/{unsubscribe_bad}/", None),
    ("unsubscribe, tampered", "post", UNSUBSCRIBE + "/{unsubscribe_bad}/", {}),
    ("subscribe form", "get", "/notifications/subscribe/", None),
    ("subscribe", "post", "/notifications/subscribe/", {"email": "{email}", "website": ""}),
    ("subscribe sent", "get", "/notifications/subscribe/check-your-email/", None),
    ("confirm page", "get", CONFIRM + "/{confirm}/", None),
    ("confirm", "post", CONFIRM + "/{confirm}/", {}),
    ("confirm page, tampered", "get", CONFIRM + "/{confirm_bad}/", None),
    ("confirm, tampered", "post", CONFIRM + "/{confirm_bad}/", {}),
]

# The questionnaire's pages have a matrix of their own (roles that answer, the working
# group's summary): tests/consultation/questionnaires/test_permissions.py walks these rows.
QUESTIONNAIRE = "/consultation/{slug}/questionnaire"
QUESTIONNAIRE_VIEWS = [
    ("start", "get", QUESTIONNAIRE + "/", None),
    ("about you", "get", QUESTIONNAIRE + "/about-you/", None),
    ("page", "get", QUESTIONNAIRE + "/pages/1/", None),
    ("check", "get", QUESTIONNAIRE + "/check/", None),
    ("submit", "post", QUESTIONNAIRE + "/check/", {}),
    ("own response", "get", QUESTIONNAIRE + "/your-response/", None),
    ("staff summary", "get", "/consultation/moderation/questionnaires/{slug}/summary/", None),
    ("public summary", "get", QUESTIONNAIRE + "/summary/", None),
]

PUBLIC = {
    "section page": 200, "index": 200, "detail": 200, "paragraph list": 200, "permalink": 200,
    "discussion": 200, "topic": 200, "outcome": 200,
}  # fmt: skip
# The links in emails work for whoever opens them (the signed token is the authority), and
# a link whose signature was changed shows a "this link does not work" page.
EMAIL_LINKS = {
    "unsubscribe page": 200, "unsubscribe": 200,
    "unsubscribe page, tampered": 400, "unsubscribe, tampered": 400,
    "subscribe form": 200, "subscribe": 302, "subscribe sent": 200,
    "confirm page": 200, "confirm": 200, "confirm page, tampered": 400, "confirm, tampered": 400,
}  # fmt: skip
SIGNED_IN = {"my contributions": 200, "email choices": 200, "save email choices": 302}
STAFF = ["queue", "moderation item", "decide", "participant", "block", "audit log"]
# The working group's synthesis area: the Working group and superusers only. It is a staff
# path, so the MFA gate asks anyone who needs a second factor for it first (a moderator
# without one is sent to set it up), and the view then refuses whoever is not in the group.
SYNTHESIS = [
    "feedback search", "feedback download", "feedback item", "exports", "export items",
    "suggestions", "suggestion queue",
    "synthesis index", "dashboard", "dashboard csv", "synthesis report", "pin form",
    "response form", "change response",
    "campaigns", "campaign groups", "campaign", "code imports", "code import",
]  # fmt: skip
# Responses: the Working group writes them and editors publish them; both read the list.
EDITORS_ONLY = {"publish form": 200, "publish": 302}
CODING = {
    "codebooks": 200, "codebook": 200, "theme form": 200, "add theme": 302,
    "edit theme form": 200, "edit theme": 302, "delete theme form": 200, "delete theme": 302,
    "coding history": 200, "bulk coding": 302, "undo coding": 302, "code item": 302,
    "uncode item": 302, "item stance": 302, "assign item": 302, "note on item": 302,
    "my assigned items": 200,
}  # fmt: skip
# The Working group's pages (not the Moderators'): importing responses. The upload posts
# nothing and gets its form back with the errors.
WORKING_GROUP_ONLY = {
    **dict.fromkeys(SYNTHESIS, 200),
    "accept suggestion": 302, "reject suggestion": 302, "reconsider suggestion": 302,
    **CODING,
    "imports": 200, "upload": 200, "import batch": 200, "choose columns": 302, "import": 302,
    "undo form": 200, "undo": 302, "pin": 302, "unpin": 302, "responses": 200,
    "write response": 302,
    # Coding a campaign redirects to it; an upload of nothing gets its form back.
    "code campaign": 302, "upload codes": 200, "apply codes": 302,
}  # fmt: skip
PARTICIPANT_WRITES = {
    "comment form": 200, "comment": 302, "reply form": 200, "reply": 302, "react": 302,
    "report form": 200, "report": 302, "thread form": 200, "thread": 302,
}  # fmt: skip
NOT_AUTHOR = {"edit form": 403, "edit": 403, "withdraw form": 403, "withdraw": 403}

ANONYMOUS = {
    **PUBLIC,
    **EMAIL_LINKS,
    **{name: "login" for name, *_ in VIEWS if name not in PUBLIC and name not in EMAIL_LINKS},
}
CANNOT_PARTICIPATE = {
    **PUBLIC,
    **EMAIL_LINKS,
    **SIGNED_IN,
    **dict.fromkeys(PARTICIPANT_WRITES, 403),
    **NOT_AUTHOR,
    **dict.fromkeys(STAFF, 403),
    **dict.fromkeys(WORKING_GROUP_ONLY, 403),
    **dict.fromkeys(EDITORS_ONLY, 403),
}
STAKEHOLDER = {
    **PUBLIC,
    **EMAIL_LINKS,
    **SIGNED_IN,
    **PARTICIPANT_WRITES,
    **NOT_AUTHOR,
    **dict.fromkeys(STAFF, 403),
    **dict.fromkeys(WORKING_GROUP_ONLY, 403),
    **dict.fromkeys(EDITORS_ONLY, 403),
}
AUTHOR = {
    **STAKEHOLDER,
    "edit form": 200, "edit": 302, "withdraw form": 200, "withdraw": 302,
    "react": 403, "report form": 403, "report": 403,  # not on one's own words
}  # fmt: skip
MODERATOR = {**STAKEHOLDER, **dict.fromkeys(STAFF, 200), "decide": 302, "block": 302}
# The staff areas' middleware asks for the second factor before any view asks its rule, so a
# moderator without one is sent to set it up at the Working group's pages too.
STAFF_AREAS = [*STAFF, *WORKING_GROUP_ONLY, *EDITORS_ONLY]
MODERATOR_WITHOUT_MFA = {**STAKEHOLDER, **dict.fromkeys(STAFF_AREAS, "mfa")}
# Has an authenticator but signed in with the password alone: a participant on the public
# pages, sent to enter the code at the staff pages.
MODERATOR_PASSWORD_ONLY = {**STAKEHOLDER, **dict.fromkeys(STAFF_AREAS, "code")}
PASSWORD_ONLY = "password-only moderator"
WORKING_GROUP_WITHOUT_MFA = "working group without MFA"

EXPECTED = {
    "anonymous": ANONYMOUS,
    "unverified email": CANNOT_PARTICIPATE,
    "incomplete profile": CANNOT_PARTICIPATE,
    "blocked": CANNOT_PARTICIPATE,
    "stakeholder": STAKEHOLDER,
    "other stakeholder": STAKEHOLDER,
    "author": AUTHOR,
    "moderator": MODERATOR,
    "moderator without MFA": MODERATOR_WITHOUT_MFA,
    PASSWORD_ONLY: MODERATOR_PASSWORD_ONLY,
    "working group": {**MODERATOR, **WORKING_GROUP_ONLY},
    # In the Working group, no authenticator yet: sent to set one up at every staff page.
    WORKING_GROUP_WITHOUT_MFA: MODERATOR_WITHOUT_MFA,
    "editor": {**STAKEHOLDER, **EDITORS_ONLY, "responses": 200},
}
ROLES = list(EXPECTED)
# Roles whose members see everything there is to moderate (signed in, in the group, MFA).
MODERATING_ROLES = ("moderator", "working group")


def make_user(role):
    if role == "anonymous":
        return None
    if role == "unverified email":
        user = factories.ProfileFactory(user__verified=False).user
        user.save()  # the factory saves the password only for verified users
        EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
        return user
    if role == "incomplete profile":
        return factories.ProfileFactory(completed_at=None).user
    user = factories.ProfileFactory().user
    if role == "blocked":
        BlockedUser.objects.create(user=user, reason="Spam")
    elif role in ("moderator", "moderator without MFA", PASSWORD_ONLY):
        in_group(user, MODERATORS)
    elif role in ("working group", WORKING_GROUP_WITHOUT_MFA):
        in_group(user, WORKING_GROUP)
    elif role == "editor":
        in_group(user, EDITORS)
    if role in ("moderator", "working group", "editor", PASSWORD_ONLY):
        with_mfa(user)
    return user


def sign_in(client, role, user):
    """Sign `user` in as the role does: with the code of their authenticator if they have
    one, except the moderator who signed in with the password alone."""
    if user is not None:
        client.force_login(user, second_factor=False if role == PASSWORD_ONLY else None)


def tampered(token):
    """`token` with the last character of its signature changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def outcome(response):
    """The status code, or for a redirect where it goes: "login", "mfa" (to set up a second
    factor), "code" (to enter it) or 302."""
    if response.status_code != 302:
        return response.status_code
    path = urlsplit(response["Location"]).path
    if path == reverse("account_login"):
        return "login"
    if path == reverse("mfa_activate_totp"):
        return "mfa"
    if path == reverse("mfa_reauthenticate"):
        return "code"
    return 302


class RowValues(dict):
    """The template values of one row: the fixed ones, and the others made when a template
    first asks for them."""

    def __init__(self, fixed, makers):
        super().__init__(fixed)
        self.makers = makers

    def __missing__(self, key):
        value = self[key] = self.makers[key]()
        return value


def walk(client, rows, expected, values_for):
    """Request every row with the values `values_for(number)` gives; the differences from
    `expected` as (name, got, expected)."""
    failures = []
    for number, (name, method, template, data) in enumerate(rows):
        values = values_for(number)
        url = template.format_map(values)
        payload = {key: value.format_map(values) for key, value in (data or {}).items()}
        response = client.post(url, payload) if method == "post" else client.get(url)
        got = outcome(response)
        if got != expected[name]:
            failures.append((name, got, expected[name]))
    return failures


def import_batch(consultation, *, imported=False):
    """A CSV batch checked and ready to import (or imported, to undo)."""
    batch = import_services.batch_create(
        consultation=consultation,
        user=None,
        file_name="responses.csv",
        file_format="csv",
        content=b"Response\nA view.\n",
    )
    import_services.batch_check(batch=batch)
    if imported:
        import_services.batch_import(batch=import_services.batch_start(batch=batch), actor=None)
    return batch


def pending_suggestion(item_id, number):
    """A theme suggestion waiting for review on the item (a theme of its own, per row)."""
    item = FeedbackItem.objects.get(pk=item_id)
    theme = Theme.objects.create(consultation=item.consultation, name=f"Suggested {number}")
    return ThemeSuggestion.objects.create(
        consultation=item.consultation,
        item=item,
        theme=theme,
        confidence=0.7,
        suggested=True,
        rank=1,
        computed_at=timezone.now(),
    )


def rejected_suggestion(item_id, number):
    """A theme suggestion an analyst rejected on the item (a theme of its own, per row)."""
    suggestion = pending_suggestion(item_id, f"{number} rejected")
    suggestion.state = ThemeSuggestion.State.REJECTED
    suggestion.decided_at = timezone.now()
    suggestion.save()
    return suggestion


def campaign_group(consultation, author, section):
    """A campaign group of two comments' items, numbered after the consultation's last."""
    items = [
        FeedbackItem.objects.get(
            comment=comment_on(section, consultation=consultation, author=author)
        )
        for _ in range(2)
    ]
    number = CampaignGroup.objects.filter(consultation=consultation).count() + 1
    group = CampaignGroup.objects.create(
        consultation=consultation, number=number, template_text="A view.", size=2
    )
    for item in items:
        CampaignMembership.objects.create(group=group, item=item, score=1.0)
    return group.number


def coded(consultation, item_id, theme_id):
    """A coding action to undo: the theme applied to the item."""
    return coding.apply_themes(
        actor=None,
        consultation=consultation,
        item_ids=[item_id],
        themes=Theme.objects.filter(pk=theme_id),
    )


def values_maker(*, role, section, consultation, topic, author, person):
    """A function giving the template values for row `number`: a fresh comment by `author`
    to act on, and fresh signed links, so no row sees what an earlier one did."""
    pid = paragraph_ids(section)[0]
    slug = role.replace(" ", "-")
    fixed = {
        "section_url": section.url,
        "slug": consultation.slug,
        "section": section.pk,
        "paragraph": pid,
        "topic": topic.pk,
        "person": person.pk,
    }

    def values_for(number):
        values = RowValues(
            fixed,
            {
                "comment": lambda: (
                    comment_on(
                        section, consultation=consultation, author=author, paragraph_id=pid
                    ).pk
                ),
                "item": lambda: FeedbackItem.objects.get(comment_id=values["comment"]).pk,
                "suggestion": lambda: pending_suggestion(values["item"], number).pk,
                "rejected": lambda: rejected_suggestion(values["item"], number).pk,
                "batch": lambda: import_batch(consultation).pk,
                "theme": lambda: (
                    Theme.objects.create(
                        consultation=consultation, name=f"Theme {slug}-{number}"
                    ).pk
                ),
                "quote": lambda: (
                    PinnedQuote.objects.create(
                        theme_id=values["theme"], item_id=values["item"], pinned_at=timezone.now()
                    ).pk
                ),
                "response": lambda: (
                    SynthesisResponse.objects.create(
                        consultation=consultation,
                        theme_id=values["theme"],
                        heard_text="We heard",
                        heard_body="<p>We heard</p>",
                    ).pk
                ),
                "imported_batch": lambda: import_batch(consultation, imported=True).pk,
                "campaign": lambda: campaign_group(consultation, author, section),
                "code_import": lambda: (
                    CodeImport.objects.create(consultation=consultation, file_name="codes.csv").pk
                ),
                "key": lambda: f"{slug}-{number}",
                "consultation": lambda: consultation.pk,
                "coding_action": lambda: coded(consultation, values["item"], values["theme"]).pk,
                "email": lambda: f"{slug}-{number}@example.org",
                "unsubscribe": lambda: tokens.unsubscribe_token(Kind.REPLIES, user=person),
                "unsubscribe_bad": lambda: tampered(values["unsubscribe"]),
                "confirm": lambda: tokens.confirmation_token(SubscriberFactory(confirmed_at=None)),
                "confirm_bad": lambda: tampered(values["confirm"]),
            },
        )
        return values

    return values_for
