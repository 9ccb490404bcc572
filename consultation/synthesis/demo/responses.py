"""The demo's published response: what the working group heard about one theme of the
demo codebook and about one section, written by the demo analyst and published by the
demo editor through the services (audited; those who commented on the section are told,
once). Runs after the codebook part; with no themes it does nothing. Idempotent: a
response already there is left as it is, and published if it is still a draft."""

from django.contrib.auth import get_user_model

from consultation.demo import SLUG
from consultation.models import Consultation
from consultation.synthesis import outcomes
from consultation.synthesis.models import SynthesisResponse, Theme
from hub.accounts.rules import is_editor, is_working_group

THEME_HEARD = (
    "Many people told us that technology will only help if staff have the time and the "
    "training to use it well. Clinicians, nurses and social care workers asked for "
    "protected time to learn, and patients asked that tools never replace a conversation "
    "with a person."
)
THEME_CHANGED = (
    "We have added a commitment to fund training in every care setting before new tools "
    "are introduced, and to measure the time staff spend on them."
)
SECTION_HEARD = (
    "Comments on this section asked us to say more plainly who is accountable when an AI "
    "tool is wrong, and how people can find out when one was used in their care."
)
SECTION_CHANGED = "The next version of this section names who is accountable at each step."


def _demo_user(rule):
    users = get_user_model().objects.filter(
        email__endswith="@example.org", is_active=True, is_superuser=False
    )
    return next((user for user in users.order_by("pk") if rule(user)), None)


def _written(consultation, analyst, *, theme, section, heard, changed):
    """The response about `theme` (or about `section` alone), written if not there yet."""
    about = {"theme": theme} if theme is not None else {"theme": None, "section": section}
    found = SynthesisResponse.objects.filter(consultation=consultation, **about).first()
    return found or outcomes.response_save(
        actor=analyst,
        consultation=consultation,
        theme=theme,
        section=section,
        heard=heard,
        changed=changed,
    )


def _published(response, editor):
    if not response.is_published:
        outcomes.response_publish(actor=editor, response=response)


def load(stdout):
    consultation = Consultation.objects.filter(slug=SLUG).first()
    theme = (
        Theme.objects.filter(consultation=consultation, parent__isnull=True).first()
        if consultation
        else None
    )
    if theme is None:
        stdout.write("Demo response: no demo codebook, nothing added.")
        return
    analyst, editor = _demo_user(is_working_group), _demo_user(is_editor)
    section = consultation.sections.live().order_by("path").first()
    if analyst is None or editor is None or section is None:
        stdout.write("Demo response: no demo analyst, editor or section, nothing added.")
        return
    about_theme = _written(consultation, analyst, theme=theme, section=None, heard=THEME_HEARD,
                           changed=THEME_CHANGED)  # fmt: skip
    about_section = _written(consultation, analyst, theme=None, section=section,
                             heard=SECTION_HEARD, changed=SECTION_CHANGED)  # fmt: skip
    _published(about_theme, editor)
    _published(about_section, editor)
    stdout.write(f"Demo response: published about “{theme}” and about “{section.title}”.")
