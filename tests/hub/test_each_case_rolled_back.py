"""The helper that runs many hostile cases through one test's rows
(tests/support/shared_rows.py): each case finds the rows as the set-up left them, and a
failure names every case that failed, not only the first."""

import pytest

from hub.pages.models import WorkingGroupMember
from tests.support.shared_rows import each_case_rolled_back

pytestmark = pytest.mark.django_db


def test_each_case_finds_the_rows_as_the_set_up_left_them():
    WorkingGroupMember.objects.create(name="Set up")
    seen = []

    def check(name):
        WorkingGroupMember.objects.create(name=name)
        seen.append(sorted(WorkingGroupMember.objects.values_list("name", flat=True)))

    each_case_rolled_back(["one", "two"], check)
    assert seen == [["Set up", "one"], ["Set up", "two"]]
    assert list(WorkingGroupMember.objects.values_list("name", flat=True)) == ["Set up"]


def test_a_failure_names_every_case_that_failed_and_how():
    def check(case):
        assert case != "bad", "refused"
        if case == "broken":
            raise ValueError("no such thing")

    with pytest.raises(AssertionError) as failed:
        each_case_rolled_back(["good", "bad", "broken"], check)
    message = str(failed.value)
    assert "2 of 3 cases failed" in message
    assert "'bad': AssertionError at check" in message and "refused" in message
    assert "'broken': ValueError at check" in message and "no such thing" in message
    assert "'good'" not in message
