"""Reading a page's markup the way assistive technology relies on it: ids, what labels and
descriptions point at, forms, and what comes first in the main content; and the contrast
of colours the markup itself names (charts drawn on the server)."""

from collections import Counter

from bs4 import BeautifulSoup

FIELDS = ("input", "textarea", "select")


def soup_of(html):
    return BeautifulSoup(html, "html.parser")


def id_problems(html):
    """Duplicate ids; labels whose `for` is not a field of their own form; descriptions
    (aria-describedby) that name a missing element or one in another form; forms in forms."""
    soup = soup_of(html)
    problems = [
        f"id {value!r} is used {n} times"
        for value, n in Counter(tag["id"] for tag in soup.find_all(id=True)).items()
        if n > 1
    ]
    for label in soup.find_all("label", attrs={"for": True}):
        field = soup.find(id=label["for"])
        if field is None or field.name not in FIELDS:
            problems.append(f"label for {label['for']!r} names no field")
        elif field.find_parent("form") is not label.find_parent("form"):
            problems.append(f"label for {label['for']!r} names a field of another form")
    for tag in soup.find_all(attrs={"aria-describedby": True}):
        for ref in tag["aria-describedby"].split():
            described_by = soup.find(id=ref)
            if described_by is None:
                problems.append(f"aria-describedby {ref!r} names nothing")
            elif described_by.find_parent("form") is not tag.find_parent("form"):
                problems.append(f"aria-describedby {ref!r} names another form's text")
    for form in soup.find_all("form"):
        if form.find_parent("form") is not None:
            problems.append(f"a form inside a form ({form.get('action')})")
    return problems


def first_text_in_main(html):
    """The element holding the first words of the main content."""
    main = soup_of(html).find("main")
    for text in main.find_all(string=True):
        if text.strip() and text.parent.name not in ("script", "style"):
            return text.parent
    return None


def inside(tag, css_class):
    return any(css_class in (parent.get("class") or []) for parent in [tag, *tag.parents])


def _channel(value):
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def _rgb(colour):
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def painted(colour, opacity=1.0, below="#ffffff"):
    """The colour `colour` at `opacity` makes over `below`, as "#rrggbb"."""
    top, under = _rgb(colour), _rgb(below)
    mixed = (round(t * opacity + u * (1 - opacity)) for t, u in zip(top, under, strict=True))
    return "#" + "".join(f"{value:02x}" for value in mixed)


def contrast(one, other):
    """The contrast ratio of two colours ("#rrggbb"), by the WCAG 2.2 formula."""
    light, dark = sorted(
        (0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b) + 0.05)
        for r, g, b in (_rgb(one), _rgb(other))
    )[::-1]
    return light / dark
