"""Codes from another tool: a cell of theme names read and checked, the themes it names
found in the codebook (or made), and the codes written as imported.

A cell holds several theme names separated by semicolons ("Workforce; Data sharing");
names are matched to the consultation's themes without regard to case, and a name the
codebook lacks becomes a new top-level theme. Names are kept as the text they are (markup
is shown escaped, like any user text). Codes are written by consultation.synthesis.coding
(scope IMPORT, source IMPORTED), one action per theme, in the caller's transaction: the
response import (a themes column) and the codes-only import both use `apply_imported`.
"""

from django.db.models import Max

from consultation.synthesis import coding
from consultation.synthesis.models import CodeSource, CodingAction, Colour, Theme

SEPARATOR = ";"
NAME_MAX = Theme._meta.get_field("name").max_length
NAMES_PER_CELL = 50
# New themes one file may add to a codebook: a codebook is tens of themes, so a file that
# names thousands is a wrong column, not a codebook.
NEW_THEMES_PER_FILE = 200


def split_names(cell):
    """(names, problem): the distinct theme names of `cell` in order (blank parts, as in
    ";;;", are skipped), or a reason the cell cannot be read."""
    names, seen = [], set()
    for part in (cell or "").split(SEPARATOR):
        name = " ".join(part.split())
        if not name or name.casefold() in seen:
            continue
        if len(name) > NAME_MAX:
            return [], f"a theme name is longer than {NAME_MAX} characters: “{name[:40]}…”."
        seen.add(name.casefold())
        names.append(name)
        if len(names) > NAMES_PER_CELL:
            return [], (
                f"names more than {NAMES_PER_CELL} themes; separate names with semicolons, "
                "and check that this is the themes column."
            )
    return names, None


class NewThemes:
    """The names a file would add to a codebook, counted as rows are read, so that a check
    can refuse a file that names too many."""

    def __init__(self, consultation):
        self.known = {
            name.casefold()
            for name in Theme.objects.filter(consultation=consultation).values_list(
                "name", flat=True
            )
        }
        self.new = {}

    def add(self, names):
        """Count `names`; False once the file names more new themes than allowed."""
        for name in names:
            folded = name.casefold()
            if folded not in self.known:
                self.new.setdefault(folded, name)
        return len(self.new) <= NEW_THEMES_PER_FILE

    def problem(self):
        return (
            f"the file names {len(self.new):,} themes the codebook does not have; at most "
            f"{NEW_THEMES_PER_FILE} can be added at once."
        )


def themes_named(*, consultation, names):
    """{casefolded name: Theme} for `names`, making the themes the codebook lacks (top
    level, after the existing ones, colours in turn)."""
    wanted = {name.casefold(): name for name in names}
    found = {}
    for theme in Theme.objects.filter(consultation=consultation):
        if theme.name.casefold() in wanted:
            found[theme.name.casefold()] = theme
    missing = [name for folded, name in wanted.items() if folded not in found]
    if missing:
        last = Theme.objects.filter(consultation=consultation).aggregate(last=Max("sort_order"))
        order = (last["last"] or 0) + 1
        colours = list(Colour.values)
        count = Theme.objects.filter(consultation=consultation).count()
        for offset, name in enumerate(missing):
            theme = Theme.objects.create(
                consultation=consultation,
                name=name,
                sort_order=order + offset,
                colour=colours[(count + offset) % len(colours)],
            )
            found[name.casefold()] = theme
    return found


def apply_imported(*, actor, consultation, codes, search):
    """Give each item of `codes` ({item id: [theme names]}) its themes as imported codes;
    returns the CodingActions (one per theme that any item was given). Call it inside the
    import's transaction; `search` says where the codes came from (e.g. "import_batch=4")."""
    by_theme = {}
    for item_id, names in codes.items():
        for name in names:
            by_theme.setdefault(name.casefold(), (name, []))[1].append(item_id)
    if not by_theme:
        return []
    themes = themes_named(consultation=consultation, names=[name for name, _ in by_theme.values()])
    actions = []
    for folded, (_, item_ids) in sorted(by_theme.items()):
        actions.append(
            coding.apply_themes(
                actor=actor,
                consultation=consultation,
                item_ids=item_ids,
                themes=[themes[folded]],
                scope=CodingAction.Scope.IMPORT,
                search=search,
                source=CodeSource.IMPORTED,
            )
        )
    return actions


def batch_search(batch):
    """What a response import's coding actions record as the search that chose the items."""
    return f"import_batch={batch.pk}"


def actions_of_batch(batch):
    """The coding actions that wrote a response import's codes (not undone yet)."""
    return CodingAction.objects.filter(
        consultation_id=batch.consultation_id,
        scope=CodingAction.Scope.IMPORT,
        search=batch_search(batch),
        undone_at__isnull=True,
    )
