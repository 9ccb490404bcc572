"""Ids in URLs that no database column can hold are simply not found.

Every integer slot in the URL map (ours, Wagtail's, allauth's) gives the view a Python int
of any size (a regular-expression slot of digits, a string of them); a 20-digit one reaching
a query overflows the database's 64-bit integers and was a server error. This middleware
answers 404 before any view sees such an id, whatever URL module declared the slot."""

from django.http import Http404

SMALLEST_ID = -(2**63)
LARGEST_ID = 2**63 - 1


def _out_of_range(value):
    if isinstance(value, str):
        digits = value.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            return False
        if len(digits.lstrip("0")) > len(str(LARGEST_ID)):
            return True  # and too long for int() to be asked
        value = int(value)
    return isinstance(value, int) and not SMALLEST_ID <= value <= LARGEST_ID


class OutOfRangeIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any(_out_of_range(value) for value in (*view_args, *view_kwargs.values())):
            raise Http404("No such item")
        return None
