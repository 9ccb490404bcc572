"""Guards on the Wagtail admin's delete of snippets: what people wrote is never deleted with
the thing it was written on. An app registers one `before_delete_snippet` hook that asks
`refuse_delete`; the editor is sent back to the edit page with the reason."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail.admin.admin_url_finder import AdminURLFinder


def refuse_delete(request, instances, *, model, is_held, message):
    """A redirect refusing the delete when any of `instances` of `model` `is_held`
    (message(instance) says why), or None to let the delete go on."""
    held = [instance for instance in instances if isinstance(instance, model) and is_held(instance)]
    if not held:
        return None
    messages.error(request, message(held[0]))
    return redirect(AdminURLFinder(request.user).get_edit_url(held[0]))
