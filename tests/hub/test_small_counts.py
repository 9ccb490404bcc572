"""Small counts withheld from public tables, and the cell that would give one back."""

from hub.core.small_counts import withheld_cells


def column(*counts):
    cells = dict(enumerate(counts))
    return cells, [list(cells)]


def test_a_small_count_and_the_smallest_other_are_withheld_when_the_total_is_known():
    counts, lines = column(10, 3, 20, 0)
    assert withheld_cells(counts, lines) == {0, 1}


def test_zeros_and_large_counts_are_shown_and_two_small_counts_protect_each_other():
    assert withheld_cells(*column(0, 12, 30)) == set()
    assert withheld_cells(*column(1, 2, 30)) == {0, 1}


def test_withholding_spreads_across_rows_and_columns_until_no_line_gives_one_back():
    # rows a, b; columns x, y; every row and column total is published
    counts = {("a", "x"): 2, ("a", "y"): 40, ("b", "x"): 30, ("b", "y"): 50}
    lines = [
        [("a", "x"), ("b", "x")],
        [("a", "y"), ("b", "y")],
        [("a", "x"), ("a", "y")],
        [("b", "x"), ("b", "y")],
    ]
    assert withheld_cells(counts, lines) == set(counts)
