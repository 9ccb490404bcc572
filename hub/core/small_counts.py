"""Counts published to everyone without revealing individuals: small cells withheld.

A table of answers by sector and region can single a person out: if one respondent is the
only carer in Wales, a count of 1 in that cell says how they answered. Public tables
therefore show a count between 1 and SMALL_COUNT - 1 as "fewer than 5" (the convention of
official statistics), with no percentage. Withholding one cell of a row or column whose
total is shown is not enough, as the total minus the others gives it back; so when a
line has exactly one withheld cell, the next smallest non-zero cell of that line is
withheld too ("secondary suppression"). Zeros are shown: they say nobody, not somebody.
The working group's own pages show every count.
"""

SMALL_COUNT = 5
WITHHELD_LABEL = f"fewer than {SMALL_COUNT}"


def is_small(count):
    return 0 < count < SMALL_COUNT


def _withhold_beside(line, withheld):
    """Withhold the smallest shown non-zero cell of `line` (positions) when exactly one of
    its cells is withheld; whether it did."""
    hidden = [cell for cell, _count in line if cell in withheld]
    if len(hidden) != 1:
        return False
    shown = [(count, cell) for cell, count in line if count and cell not in withheld]
    if not shown:
        return False
    withheld.add(min(shown)[1])
    return True


def withheld_cells(counts, lines):
    """The cells to withhold from a published table. `counts` maps each cell (any key) to
    its count; `lines` lists the groups of cells whose totals are published (each column,
    and each row whose total is shown). Small counts are withheld, then, until nothing
    changes, a second cell of every line that has exactly one."""
    withheld = {cell for cell, count in counts.items() if is_small(count)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            changed |= _withhold_beside([(cell, counts[cell]) for cell in line], withheld)
    return withheld
