"""Wagtail page privacy outside Wagtail's own page serving: what one reader may see of
pages an editor restricted (PageViewRestriction: a password, signed-in people only, or some
groups), and Wagtail's page-password form with a limit on guesses.

Wagtail checks a page's restrictions when it serves the page, and its search and API leave
restricted pages out; anything else that shows what belongs to a page (the consultation's
comments on a section, their counts, lists of contributions) asks `privacy_for(request)`.
A restriction covers its page and every page below it. Guesses at the passwords of private
pages (and private collections of documents) are limited like sign-in attempts.

The restrictions themselves come from hub.pages.restrictions, read once per generation of
the page cache."""

from dataclasses import dataclass
from functools import wraps

from allauth.core import ratelimit
from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail import views as wagtail_views
from wagtail.documents.views import serve as wagtail_document_views
from wagtail.models import PageViewRestriction

from hub.pages.restrictions import view_restrictions

# ACCOUNT_RATE_LIMITS key of the page-password form (allauth's rate limiter counts it).
PAGE_PASSWORD_RATE_LIMIT = "page_password"  # noqa: S105 - a name, not a password


@dataclass(frozen=True)
class ReaderPrivacy:
    """The restricted parts of the page tree one reader has not been let into, as the tree
    paths of the restricted pages."""

    closed_paths: tuple

    def can_view(self, page):
        return page is None or not page.path.startswith(self.closed_paths)

    def visible_q(self, path_field):
        """Rows whose page (reached through `path_field`, e.g. "section__path") the reader
        may see, and rows with no page (`path_field` empty)."""
        q = Q()
        for path in self.closed_paths:
            q &= ~Q(**{f"{path_field}__startswith": path}) | Q(**{f"{path_field}__isnull": True})
        return q


def privacy_for(request):
    """The reader's ReaderPrivacy, worked out once per request from the memoised
    restrictions (and one query for the reader's groups if a restriction names groups)."""
    known = getattr(request, "_hub_page_privacy", None)
    if known is None:
        restrictions = view_restrictions()
        group_ids = _group_ids(request, restrictions)
        closed = tuple(
            sorted(r.page_path for r in restrictions if not _accepts(r, request, group_ids))
        )
        known = request._hub_page_privacy = ReaderPrivacy(closed_paths=closed)
    return known


def readers_without_session_q(page, user_field="pk"):
    """The people who may read `page` away from a browser session (in an email), as a Q
    over users reached through `user_field`, or None when nobody may: a page behind a
    password is only ever opened by a session that typed it, so no email speaks of it; a
    page for signed-in people is open to every active account; a page for some groups to
    their members and to superusers. Every restriction above the page applies too."""
    if page is None:
        return Q()
    ancestors = [page.path[:end] for end in range(page.steplen, len(page.path) + 1, page.steplen)]
    restrictions = list(
        PageViewRestriction.objects.filter(page__path__in=ancestors).prefetch_related("groups")
    )
    q = Q()
    for restriction in restrictions:
        if restriction.restriction_type == PageViewRestriction.PASSWORD:
            return None
        if restriction.restriction_type == PageViewRestriction.GROUPS:
            group_ids = [group.pk for group in restriction.groups.all()]
            members = get_user_model().objects.filter(
                Q(is_superuser=True) | Q(groups__in=group_ids)
            )
            q &= Q(**{f"{user_field}__in": members.values("pk")})
    return q


def _group_ids(request, restrictions):
    user = request.user
    if not user.is_authenticated or user.is_superuser:
        return set()
    if not any(r.restriction_type == PageViewRestriction.GROUPS for r in restrictions):
        return set()
    return set(user.groups.values_list("pk", flat=True))


def _accepts(restriction, request, group_ids):
    """PageViewRestriction.accept_request, with the reader's groups read once for all
    restrictions instead of once for each."""
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        if not request.user.is_authenticated:
            return False
        return request.user.is_superuser or bool(
            group_ids.intersection(group.pk for group in restriction.groups.all())
        )
    return restriction.accept_request(request)


def _guesses_limited(password_view):
    """Wagtail's password form view, with guesses limited per network address
    (ACCOUNT_RATE_LIMITS["page_password"], counted by allauth's rate limiter like the
    sign-in form's; only POSTs count)."""

    @wraps(password_view)
    def view(request, *args, **kwargs):
        limited = ratelimit.consume_or_429(request, action=PAGE_PASSWORD_RATE_LIMIT)
        return limited or password_view(request, *args, **kwargs)

    return view


# At the addresses of Wagtail's own (hub/urls.py): the password of a private page, and that
# of a private collection of documents.
authenticate_with_password = _guesses_limited(wagtail_views.authenticate_with_password)
authenticate_document_with_password = _guesses_limited(
    wagtail_document_views.authenticate_with_password
)
