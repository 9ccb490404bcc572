"""Every view in the site's URL map with an address that reaches it, for tests that walk the
whole map (the sign-in doors, sign-out on GET, ids out of range). Slots get sample values:
integers `int_value`, slugs and strings "x" (name a consultation "x" to reach its views),
regular-expression groups the first sample their expression accepts."""

import re
from dataclasses import dataclass

from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern

ROUTE_SLOT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
ROUTE_SAMPLES = {
    "slug": "x",
    "str": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
GROUP_SAMPLES = ("x", "x/", "x.css", "")


@dataclass(frozen=True)
class Route:
    path: str
    view: object
    int_slots: int

    @property
    def module(self):
        view = self.view
        view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
        return (view_class or view).__module__


def _route_part(text, int_value):
    slots = 0

    def sample(match):
        nonlocal slots
        converter = match["converter"] or "str"
        if converter == "int":
            slots += 1
            return int_value
        return ROUTE_SAMPLES.get(converter, "x")

    return ROUTE_SLOT.sub(sample, text), slots


def _groups(text):
    """(start, end) of each top-level group of a regular expression."""
    depth, start, found, escaped = 0, None, [], False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                found.append((start, index + 1))
    return found


def _regex_part(text, int_value):
    slots = 0
    out, last = [], 0
    for start, end in _groups(text):
        out.append(text[last:start])
        body = re.sub(r"^\((?:\?P<\w+>|\?:)?", "", text[start:end])[:-1]
        candidates = ((int_value,) if r"\d" in body else ()) + GROUP_SAMPLES
        chosen = next((c for c in candidates if re.fullmatch(body, c)), None)
        if chosen is None:
            return None, 0
        slots += chosen == int_value
        out.append(chosen)
        last = end
    out.append(text[last:])
    rendered = "".join(out).removeprefix("^").removesuffix("$")
    rendered = rendered.replace(".*", "x").replace(".+", "x").replace("\\", "")
    return rendered, slots


def _address(parts, int_value):
    path, slots = "", 0
    for part in parts:
        text = str(part)
        if isinstance(part, RegexPattern):
            rendered, found = _regex_part(text, int_value)
            if rendered is None or not part.regex.fullmatch(rendered):
                return None, 0
        else:
            rendered, found = _route_part(text, int_value)
        path += rendered
        slots += found
    return "/" + path, slots


def _patterns(patterns, parts=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, (*parts, pattern.pattern))
        else:
            yield (*parts, pattern.pattern), pattern.callback


def routes(int_value="1"):
    """A Route for each pattern an address can be made for that reaches its own view (a
    pattern shadowed by an earlier one, like Wagtail's replaced sign-in page, is left out)."""
    found = []
    for parts, view in _patterns(get_resolver().url_patterns):
        path, slots = _address(parts, int_value)
        if path is None:
            continue
        try:
            match = resolve(path)
        except Resolver404:  # e.g. a converter refusing the sample
            continue
        if match.func is view:
            found.append(Route(path=path, view=view, int_slots=slots))
    return found
