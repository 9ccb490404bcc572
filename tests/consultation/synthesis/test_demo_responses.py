"""The demo's published response (consultation/synthesis/demo/responses.py): nothing
without a codebook; with one, a response about a theme and one about a section, published
by the demo editor, and the same after loading it again."""

import io

import pytest

from consultation.demo import SLUG
from consultation.synthesis.demo import responses
from consultation.synthesis.models import SynthesisResponse, Theme
from hub.accounts.rules import EDITORS, WORKING_GROUP
from hub.core.models import AuditEntry
from tests.support import factories
from tests.support.consultation_factories import ConsultationFactory
from tests.support.factories import in_group

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


@pytest.fixture
def demo(section):
    consultation = ConsultationFactory(slug=SLUG, title="Demo")
    consultation.sections.add(section)
    for email, group in (("analyst@example.org", WORKING_GROUP), ("editor@example.org", EDITORS)):
        in_group(factories.ProfileFactory(user__email=email).user, group)
    return consultation


def test_without_a_codebook_it_does_nothing(demo):
    out = io.StringIO()
    responses.load(out)
    assert "nothing added" in out.getvalue()
    assert not SynthesisResponse.objects.exists()


def test_a_response_about_a_theme_and_a_section_published_once(demo, section):
    theme = Theme.objects.create(consultation=demo, name="Workforce")
    for _ in range(2):
        responses.load(io.StringIO())
    found = SynthesisResponse.objects.order_by("pk")
    assert [(r.theme, r.section, r.is_published) for r in found] == [
        (theme, None, True),
        (None, section, True),
    ]
    assert AuditEntry.objects.filter(action="response_published").count() == 2
    assert found[0].published_by.email == "editor@example.org"
