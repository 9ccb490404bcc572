"""`staff_view(rule)`: the one decorator for views of the staff areas (moderation, the
working group's synthesis). Signed in, the named rule from hub.accounts.rules, and a
second factor passed in this session, in that order:

    from hub.accounts import rules
    from hub.accounts.decorators import staff_view

    @staff_view(rules.is_moderator)
    def queue(request): ...

Anonymous visitors go to the sign-in page; a signed-in user the rule refuses gets 403
(there is no point asking them to set up an authenticator); a user the rule allows who has
no authenticator yet is sent to set one up, one who has not entered its code in this
session is sent to enter it, and either is brought back afterwards."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from hub.accounts.mfa_gate import redirect_unless_passed


def staff_view(rule):
    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule(request.user):
                raise PermissionDenied
            return redirect_unless_passed(request) or view_func(request, *args, **kwargs)

        return wrapped

    return decorator
