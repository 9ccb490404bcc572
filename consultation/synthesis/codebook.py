"""Writing a consultation's codebook: making, changing and deleting themes and sub-themes.

Each service checks its rules inside its transaction (a name once per consultation,
whatever its case; a sub-theme only under a top-level theme of the same consultation; a
theme with sub-themes cannot become one), raises ValidationError with a message a person
can act on, and writes its entry in the audit log with the change. Deleting a theme deletes
its sub-themes and every code of either; the page asks first and says how many go.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from consultation.formatting import clean_text, clean_title
from consultation.synthesis import coding
from consultation.synthesis.models import Coding, Colour, Theme
from hub.core.audit import audit_record

NAME_MAX_LENGTH = Theme._meta.get_field("name").max_length


def _name_taken(consultation, name, *, exclude=None):
    themes = Theme.objects.filter(consultation=consultation, name__iexact=name)
    if exclude is not None:
        themes = themes.exclude(pk=exclude.pk)
    return themes.exists()


def _checked(theme):
    """Clean `theme`'s values and check them before saving; raises ValidationError."""
    theme.name = clean_title(theme.name)
    theme.description = clean_text(theme.description)
    if not theme.name:
        raise ValidationError({"name": "Enter a name for the theme."})
    if len(theme.name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": f"A theme's name can be at most {NAME_MAX_LENGTH} characters long."}
        )
    if theme.colour not in Colour.values:
        raise ValidationError({"colour": "Choose one of the colours listed."})
    if theme.parent_id is not None and theme.parent_id == theme.pk:
        raise ValidationError({"parent": "A theme cannot be a sub-theme of itself."})
    theme.clean()
    if _name_taken(theme.consultation, theme.name, exclude=theme if theme.pk else None):
        raise ValidationError({"name": f"This codebook already has a theme called “{theme.name}”."})


def _save(theme):
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError as exc:  # a theme of that name was saved meanwhile
        raise ValidationError(
            {"name": f"This codebook already has a theme called “{theme.name}”."}
        ) from exc


def _values(theme):
    return {
        "consultation": theme.consultation_id,
        "name": theme.name,
        "parent": theme.parent_id,
        "colour": theme.colour,
    }


def theme_create(*, actor, consultation, name, description="", colour=Colour.BLUE, parent=None):
    """A new theme (or a sub-theme of `parent`) in `consultation`'s codebook."""
    with transaction.atomic():
        theme = Theme(
            consultation=consultation,
            name=name or "",
            description=description or "",
            colour=colour,
            parent=parent,
        )
        _checked(theme)
        _save(theme)
        audit_record(actor=actor, action="theme_created", target=theme, data=_values(theme))
    return theme


def theme_update(*, actor, theme, name, description="", colour=Colour.BLUE, parent=None):
    """Change a theme's name, description, colour or parent."""
    with transaction.atomic():
        theme = Theme.objects.select_for_update().get(pk=theme.pk)
        before = _values(theme)
        theme.name = name or ""
        theme.description = description or ""
        theme.colour = colour
        theme.parent = parent
        _checked(theme)
        _save(theme)
        audit_record(
            actor=actor,
            action="theme_changed",
            target=theme,
            data={**_values(theme), "before": before},
        )
    return theme


def deletion_summary(theme):
    """(sub-themes, codes, items) that deleting `theme` takes with it."""
    family = Q(theme=theme) | Q(theme__parent=theme)
    codes = Coding.objects.filter(family).aggregate(
        codes=Count("pk"), items=Count("item", distinct=True)
    )
    return theme.children.count(), codes["codes"], codes["items"]


def theme_delete(*, actor, theme):
    """Delete `theme`, its sub-themes and all their codes; returns how many codes went."""
    with transaction.atomic():
        theme = Theme.objects.select_for_update().get(pk=theme.pk)
        family = Coding.objects.filter(Q(theme=theme) | Q(theme__parent=theme))
        item_ids = set(family.values_list("item_id", flat=True))
        children, codes, items = deletion_summary(theme)
        audit_record(
            actor=actor,
            action="theme_deleted",
            target=theme,
            data={**_values(theme), "sub_themes": children, "codes": codes, "items": items},
        )
        theme.delete()
        coding.codes_gone(item_ids)
    return codes
