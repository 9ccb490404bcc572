"""Who may send files: staff who passed the second factor in this session, as the pages
that take files (the Wagtail admin, the working group's imports) require. Anyone else's
file is refused as it arrives, before the view's own permission check could: Django reads a
request's body as soon as the CSRF check looks for its token, so without this any
signed-in participant could stream files up to the size limit to the server's disk at the
addresses that take them, only to be told 403 afterwards."""

from hub.accounts import mfa_session, rules
from hub.core.uploads import ExpectedUploadsOnly


class StaffUploadsOnly(ExpectedUploadsOnly):
    def sender_may_upload(self, request):
        user = request.user
        return (
            rules.requires_mfa(user) and rules.has_mfa(user) and mfa_session.session_passed(request)
        )
