"""Files in requests: accepted only where an upload is expected, and only so large.

Django accepts a file part in any multipart POST and, past FILE_UPLOAD_MAX_MEMORY_SIZE,
streams it to a temporary file however large it is. `ExpectedUploadsOnly`, the first of
FILE_UPLOAD_HANDLERS, refuses (400) a file part anywhere but the addresses that take
uploads (settings UPLOAD_URL_PREFIXES: the Wagtail admin's documents and images;
UPLOAD_URL_NAMES: named pages that import files), from anyone its `sender_may_upload`
refuses (here: anyone not signed in; hub.accounts.uploads narrows it to staff), and any
file longer than UPLOAD_MAX_SIZE, as it arrives; `bad_request` (the 400 page) says which."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.shortcuts import render
from django.urls import Resolver404, resolve


class UploadNotExpected(SuspiciousOperation):
    """A file sent to an address that takes none."""


class UploadTooLarge(SuspiciousOperation):
    """A file longer than UPLOAD_MAX_SIZE."""


def upload_expected(request):
    """Whether `request`'s address takes files."""
    if request.path.startswith(tuple(settings.UPLOAD_URL_PREFIXES)):
        return True
    match = request.resolver_match
    if match is None:  # the body is read before the URL is resolved
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
    return match.view_name in settings.UPLOAD_URL_NAMES


class ExpectedUploadsOnly(FileUploadHandler):
    """Checks each file part, then passes its data on to the next handler unchanged."""

    def sender_may_upload(self, request):
        return request.user.is_authenticated

    def new_file(self, *args, **kwargs):
        if not upload_expected(self.request):
            raise UploadNotExpected(f"A file was sent to {self.request.path}, which takes none.")
        if not self.sender_may_upload(self.request):
            raise UploadNotExpected(
                f"A file was sent to {self.request.path} by someone who may not send files."
            )
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.UPLOAD_MAX_SIZE:
            raise UploadTooLarge(f"A file over {settings.UPLOAD_MAX_SIZE} bytes was refused.")
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file


def bad_request(request, exception):
    """The 400 page (settings' handler400): says so when it was a file over the limit, which
    is refused while it arrives, before any view could put the message in its form."""
    too_large = isinstance(exception, UploadTooLarge)
    return render(
        request,
        "400.html",
        {"too_large": too_large, "limit": settings.UPLOAD_MAX_SIZE},
        status=400,
    )
