"""`staff_view(rule)`: the one decorator for views of the staff areas (moderation, the
working group's synthesis). Signed in, the named rule from hub.accounts.rules, and a
second factor, in that order:

    from hub.accounts import rules
    from hub.accounts.decorators import staff_view

    @staff_view(rules.is_moderator)
    def queue(request): ...

Anonymous visitors go to the sign-in page; a signed-in user the rule refuses gets 403
(there is no point asking them to set up an authenticator); a user the rule allows who has
no authenticator yet is sent to set one up and brought back afterwards."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from hub.accounts.mfa_gate import redirect_to_mfa_setup
from hub.accounts.rules import has_mfa


def staff_view(rule):
    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule(request.user):
                raise PermissionDenied
            if not has_mfa(request.user):
                return redirect_to_mfa_setup(request)
            return view_func(request, *args, **kwargs)

        return wrapped

    return decorator
