"""Charts drawn on the server as SVG, so they work without JavaScript and print well.

Each function returns one `<svg>` element as safe markup: role="img" with a <title> and
<desc> it is labelled by, every label and number written as text on the chart (colour is
never the only way a value is told), every piece of text escaped. The table printed beside
each chart is its accessible equivalent; the chart is a picture of that table. Colours come
from the codebook's palette (consultation.synthesis.models.Colour), which keeps 4.5:1
contrast with white text.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from consultation.synthesis.models import Colour

TEXT = "#212b32"  # NHS.UK text colour
GRID = "#d8dde0"  # NHS.UK grey 4
WHITE, BLACK = "#ffffff", "#000000"
READABLE = 4.5  # WCAG 2.2 AA contrast for text of this size
FONT = 'font-family="Frutiger W01, Arial, sans-serif"'
LABEL_CHARS = 34


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str = Colour.BLUE


def _rgb(colour):
    return tuple(int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))


def _luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(one, other):
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _ink(colour, opacity):
    """The colour to write on `colour` laid over the white page at `opacity`: the text
    colour or white where either reads at 4.5:1, else black or white, whichever reads
    better (on any colour one of the two reaches 4.5:1)."""
    cell = tuple(c * opacity + 255 * (1 - opacity) for c in _rgb(colour))
    for ink in (TEXT, WHITE):
        if _contrast(_rgb(ink), cell) >= READABLE:
            return ink
    return max((BLACK, WHITE), key=lambda ink: _contrast(_rgb(ink), cell))


def _short(label, limit=LABEL_CHARS):
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _svg(chart_id, title, description, width, height, body):
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hub-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" {FONT} font-size="13">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - all text escaped above


def bar_chart(*, chart_id, title, description, bars, unit=("item", "items")):
    """Horizontal bars, one per row, each with its label and its value written beside it."""
    label_width, bar_width, row, top = 250, 360, 26, 8
    largest = max([bar.value for bar in bars] + [1])
    height = top * 2 + row * max(len(bars), 1)
    body = []
    for index, bar in enumerate(bars):
        y = top + index * row
        length = round(bar_width * bar.value / largest)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_short(bar.label))}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row - 8}" '
            f'fill="{escape(bar.colour)}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 17}" fill="{TEXT}">'
            f"{bar.value} {escape(unit[0] if bar.value == 1 else unit[1])}</text>"
        )
    if not bars:
        body.append(f'<text x="8" y="{top + 17}" fill="{TEXT}">Nothing to show yet.</text>')
    return _svg(chart_id, title, description, label_width + bar_width + 90, height, body)


def grid_chart(*, chart_id, title, description, rows, columns, values, colour=Colour.BLUE):
    """A table drawn as a grid: one row per `rows` label, one column per `columns` label,
    each cell shaded by its value against the largest and the value written in it, in the
    ink that reads on that shade (`_ink`)."""
    label_width, cell, head = 250, 46, 120
    largest = max([value for row in values for value in row] + [1])
    width = label_width + cell * len(columns) + 8
    height = head + cell * max(len(rows), 1) // 2 + 8
    body = []
    for index, label in enumerate(columns):
        x = label_width + index * cell + cell // 2
        body.append(
            f'<text transform="translate({x},{head - 6}) rotate(-50)" fill="{TEXT}">'
            f"{escape(_short(label, 18))}</text>"
        )
    half = cell // 2
    for row_index, (label, row_values) in enumerate(zip(rows, values, strict=True)):
        y = head + row_index * half
        body.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_short(label))}</text>"
        )
        for column_index, value in enumerate(row_values):
            x = label_width + column_index * cell
            opacity = round(0.08 + 0.92 * value / largest, 2)
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{half - 2}" '
                f'fill="{escape(colour)}" fill-opacity="{opacity:.2f}" '
                f'stroke="{GRID}"/>'
                f'<text x="{x + half - 1}" y="{y + 16}" text-anchor="middle" '
                f'fill="{_ink(colour, opacity)}">{value}</text>'
            )
    return _svg(chart_id, title, description, width, height, body)


def column_chart(*, chart_id, title, description, columns, colour=Colour.BLUE):
    """Vertical columns over time (label, value), the value written above each column and
    every few labels written under the axis."""
    left, bottom, plot_height, top = 40, 60, 180, 20
    step = max(8, min(40, 720 // max(len(columns), 1)))
    largest = max([value for _, value in columns] + [1])
    width = left + step * max(len(columns), 1) + 20
    height = top + plot_height + bottom
    base = top + plot_height
    body = [
        f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="{TEXT}"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" fill="{TEXT}">{largest}</text>',
        f'<text x="{left - 4}" y="{base}" text-anchor="end" fill="{TEXT}">0</text>',
    ]
    every = max(1, len(columns) // 12)
    for index, (label, value) in enumerate(columns):
        x = left + index * step
        length = round(plot_height * value / largest)
        body.append(
            f'<rect x="{x + 1}" y="{base - length}" width="{step - 2}" height="{length}" '
            f'fill="{escape(colour)}"><title>{escape(label)}: {value}</title></rect>'
        )
        if step >= 24:
            body.append(
                f'<text x="{x + step // 2}" y="{base - length - 4}" text-anchor="middle" '
                f'fill="{TEXT}" font-size="11">{value}</text>'
            )
        if index % every == 0:
            body.append(
                f'<text transform="translate({x + step // 2},{base + 12}) rotate(-40)" '
                f'text-anchor="end" fill="{TEXT}" font-size="11">{escape(label)}</text>'
            )
    return _svg(chart_id, title, description, width, height, body)
