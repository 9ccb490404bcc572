"""The coding workspace of the working group's synthesis area (Working group and
superusers, with a second factor): a consultation's codebook (themes and sub-themes with
their counts, coding progress per analyst), making, changing and deleting themes; coding
one item on its page (themes, stance, notes, assignee); bulk coding from the search page
(the ticked results, or every result of the search after a confirmation showing the
count); the history of coding actions with undo; and an analyst's assigned items. Views
read through consultation.selectors.coding and write through the synthesis services."""

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST

from consultation import search
from consultation.models import Consultation
from consultation.search.types import FeedbackQuery
from consultation.selectors import campaigns as campaign_selectors
from consultation.selectors import coding as selectors
from consultation.selectors import feedback as feedback_selectors
from consultation.selectors import suggestions as suggestion_selectors
from consultation.synthesis import codebook as codebook_services
from consultation.synthesis import coding as coding_services
from consultation.synthesis import review as review_services
from consultation.synthesis.forms.coding import (
    AssignForm,
    BulkCodingForm,
    ItemThemesForm,
    NoteForm,
    StanceForm,
    ThemeForm,
)
from consultation.synthesis.models import CodingAction, Theme
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_working_group

working_group_view = staff_view(is_working_group)


def _names(themes):
    return ", ".join(str(theme) for theme in themes)


def _errors(exc):
    """The messages of a ValidationError, as a list of strings."""
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


# -- the codebook ----------------------------------------------------------------------------


@working_group_view
def codebook_index(request):
    """Every consultation with its codebook's size and how far coding has gone."""
    return render(
        request,
        "consultation/synthesis/codebook_index.html",
        {"consultations": selectors.consultations_with_progress()},
    )


@working_group_view
def codebook(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    themes = selectors.codebook(consultation)
    return render(
        request,
        "consultation/synthesis/codebook.html",
        {
            "consultation": consultation,
            "themes": themes,
            "unused": selectors.unused_count(themes),
            "progress": selectors.progress(consultation),
            "analysts": selectors.analyst_counts(consultation),
        },
    )


def _theme_form_page(request, consultation, *, theme=None):
    initial = {}
    if theme is not None:
        initial = {
            "name": theme.name,
            "description": theme.description,
            "colour": theme.colour,
            "parent": theme.parent_id or "",
        }
    form = ThemeForm(
        request.POST if request.method == "POST" else None,
        consultation=consultation,
        theme=theme,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        values = {key: form.cleaned_data[key] for key in ("name", "description", "colour")}
        try:
            if theme is None:
                theme = codebook_services.theme_create(
                    actor=request.user,
                    consultation=consultation,
                    parent=form.cleaned_data["parent"],
                    **values,
                )
                done = "added to"
            else:
                theme = codebook_services.theme_update(
                    actor=request.user, theme=theme, parent=form.cleaned_data["parent"], **values
                )
                done = "saved in"
        except ValidationError as exc:
            found = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for name, errors in found.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, f"“{theme}” is {done} the codebook.")
            return redirect("synthesis:codebook", slug=consultation.slug)
    return render(
        request,
        "consultation/synthesis/theme_form.html",
        {"consultation": consultation, "theme": theme, "form": form},
    )


def _theme_of(slug, theme_id):
    return get_object_or_404(
        Theme.objects.select_related("consultation", "parent"),
        pk=theme_id,
        consultation__slug=slug,
    )


@working_group_view
def theme_new(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    return _theme_form_page(request, consultation)


@working_group_view
def theme_edit(request, slug, theme_id):
    theme = _theme_of(slug, theme_id)
    return _theme_form_page(request, theme.consultation, theme=theme)


@working_group_view
def theme_delete(request, slug, theme_id):
    """A page that says what deleting the theme takes with it (sub-themes, codes, items);
    posting it deletes."""
    theme = _theme_of(slug, theme_id)
    if request.method == "POST":
        codes = codebook_services.theme_delete(actor=request.user, theme=theme)
        messages.success(request, f"“{theme}” is deleted, with {codes} code{pluralize(codes)}.")
        return redirect("synthesis:codebook", slug=slug)
    sub_themes, codes, items = codebook_services.deletion_summary(theme)
    return render(
        request,
        "consultation/synthesis/theme_delete.html",
        {
            "consultation": theme.consultation,
            "theme": theme,
            "sub_themes": sub_themes,
            "codes": codes,
            "items": items,
        },
    )


# -- one item ------------------------------------------------------------------------------


def item_page(request, item, *, status=200, **forms):
    """The item page with its coding: the forms given (bound, with their errors) or fresh."""
    found = selectors.item_coding(item)
    context = {
        "item": item,
        "coding": found,
        "themes_form": forms.get("themes_form") or ItemThemesForm(choices=found.uncoded_choices),
        "stance_form": forms.get("stance_form") or StanceForm(initial={"stance": found.stance}),
        "assign_form": forms.get("assign_form")
        or AssignForm(
            members=found.members,
            initial={"assignee": found.assignee.pk if found.assignee else ""},
        ),
        "note_form": forms.get("note_form") or NoteForm(),
        "failed": next(iter(forms.values()), None),
        "membership": campaign_selectors.item_campaign(item.pk),
        "suggestions": suggestion_selectors.pending_for_item(item.pk),
        "rejected_suggestions": suggestion_selectors.rejected_for_item(item.pk),
    }
    return render(request, "consultation/synthesis/item.html", context, status=status)


def _item(item_id):
    found = feedback_selectors.item_detail(item_id)
    if found is None:
        raise Http404("No such feedback item")
    return found


def _done(request, item, message):
    messages.success(request, message)
    return redirect("synthesis:item", item_id=item.pk)


@working_group_view
@require_POST
def item_themes(request, item_id):
    """Add the ticked themes to the item (one coding action)."""
    item = _item(item_id)
    form = ItemThemesForm(request.POST, choices=selectors.theme_choices(item.consultation))
    if form.is_valid():
        themes = list(
            Theme.objects.filter(
                consultation=item.consultation, pk__in=form.cleaned_data["themes"]
            ).select_related("parent")
        )
        try:
            coding_services.apply_themes(
                actor=request.user,
                consultation=item.consultation,
                item_ids=[item.pk],
                themes=themes,
                scope=CodingAction.Scope.ITEM,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, item, f"Coded with {_names(themes)}.")
    return item_page(request, item, status=400, themes_form=form)


@working_group_view
@require_POST
def item_theme_remove(request, item_id, theme_id):
    """Take one theme off the item (one coding action, undoable from the history)."""
    item = _item(item_id)
    theme = get_object_or_404(Theme, pk=theme_id, consultation=item.consultation)
    coding_services.remove_themes(
        actor=request.user,
        consultation=item.consultation,
        item_ids=[item.pk],
        themes=[theme],
        scope=CodingAction.Scope.ITEM,
    )
    return _done(request, item, f"“{theme}” is taken off this item.")


@working_group_view
@require_POST
def item_stance(request, item_id):
    item = _item(item_id)
    form = StanceForm(request.POST)
    if form.is_valid():
        review = review_services.stance_set(
            actor=request.user, item=item, stance=form.cleaned_data["stance"]
        )
        label = review.get_stance_display() if review.stance else "not set"
        return _done(request, item, f"Stance: {label}.")
    return item_page(request, item, status=400, stance_form=form)


@working_group_view
@require_POST
def item_assign(request, item_id):
    item = _item(item_id)
    members = [
        (user.pk, selectors.analyst_name(user)) for user in review_services.working_group_members()
    ]
    form = AssignForm(request.POST, members=members)
    if form.is_valid():
        pk = form.cleaned_data["assignee"]
        assignee = review_services.working_group_members().filter(pk=pk).first() if pk else None
        try:
            review_services.assign(actor=request.user, item=item, assignee=assignee)
        except ValidationError as exc:
            form.add_error("assignee", exc)
        else:
            who = selectors.analyst_name(assignee) if assignee else "nobody"
            return _done(request, item, f"Assigned to {who}.")
    return item_page(request, item, status=400, assign_form=form)


@working_group_view
@require_POST
def item_note(request, item_id):
    item = _item(item_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            review_services.note_add(actor=request.user, item=item, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            return _done(request, item, "Your note is added.")
    return item_page(request, item, status=400, note_form=form)


# -- bulk coding from the search page --------------------------------------------------------


def search_url(search_string):
    return reverse("synthesis:search") + (f"?{search_string}" if search_string else "")


def coding_query(search_string, consultation):
    """The search a bulk action covers: what the search page sent, read as the search page
    reads it (so nothing typed can break it), limited to `consultation`, first page."""
    query = FeedbackQuery.from_querydict(QueryDict(search_string))
    filters = [pair for pair in query.filters if pair[0] != "consultation"]
    filters.append(("consultation", (str(consultation.pk),)))
    return replace(query, filters=tuple(filters), page=1, notes=())


def bulk_panel(query, results):
    """What the search page needs to offer bulk coding: the consultation, its themes and the
    search string; None when the results span several consultations."""
    consultation = selectors.coding_consultation(query, results)
    if consultation is None:
        return None
    return {
        "consultation": consultation,
        "form": BulkCodingForm(theme_choices=selectors.theme_choices(consultation)),
        "search": urlencode(replace(query, page=1, notes=()).as_params()),
        "total": results.total,
    }


def _posted_consultation(request):
    pk = request.POST.get("consultation", "")
    if not pk.isdigit() or len(pk) > 18:
        return None
    return Consultation.objects.filter(pk=int(pk)).first()


@working_group_view
@require_POST
def bulk(request):
    """Apply or remove themes on the ticked results (at once), or on every result of the
    search (after a page that shows how many items it covers)."""
    consultation = _posted_consultation(request)
    if consultation is None:
        raise Http404("No such consultation")
    form = BulkCodingForm(request.POST, theme_choices=selectors.theme_choices(consultation))
    search_string = request.POST.get("search", "")
    query = coding_query(search_string, consultation)
    search_string = urlencode(query.as_params())
    context = {"consultation": consultation, "form": form, "back": search_url(search_string)}
    if not form.is_valid():
        return render(request, "consultation/synthesis/bulk.html", context, status=400)
    themes = list(
        Theme.objects.filter(
            consultation=consultation, pk__in=form.cleaned_data["themes"]
        ).select_related("parent")
    )
    scope = form.scope
    if scope == "search":
        item_ids = search.matching_ids(query)
        if form.cleaned_data["confirmed"] != len(item_ids):
            # Ask first, showing the count; asked again if the count changed meanwhile.
            return render(
                request,
                "consultation/synthesis/bulk.html",
                {
                    **context,
                    "confirm": True,
                    "count": len(item_ids),
                    "changed": form.cleaned_data["confirmed"] is not None,
                    "themes": themes,
                    "operation": form.operation,
                    "do": form.cleaned_data["do"],
                    "search": search_string,
                    "description": query.parsed.describe() if query.text else "",
                },
            )
    else:
        item_ids = form.cleaned_data["items"]
    write = (
        coding_services.apply_themes if form.operation == "apply" else coding_services.remove_themes
    )
    try:
        action = write(
            actor=request.user,
            consultation=consultation,
            item_ids=item_ids,
            themes=themes,
            scope=CodingAction.Scope.SEARCH if scope == "search" else CodingAction.Scope.SELECTION,
            search=search_string,
        )
    except ValidationError as exc:
        for message in _errors(exc):
            form.add_error(None, message)
        return render(request, "consultation/synthesis/bulk.html", context, status=400)
    verb = "Applied" if form.operation == "apply" else "Removed"
    messages.success(
        request,
        f"{verb} {_names(themes)} {'to' if form.operation == 'apply' else 'from'} "
        f"{action.item_count} item{pluralize(action.item_count)} "
        f"({action.changed_count} code{pluralize(action.changed_count)} changed). "
        "The coding history can undo it.",
    )
    return redirect(search_url(search_string))


# -- the history of coding actions -----------------------------------------------------------


@working_group_view
def history(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    page = selectors.history(consultation, request.GET.get("page"))
    for action in page.object_list:
        action.search_url = search_url(action.search) if action.search else ""
    return render(
        request,
        "consultation/synthesis/history.html",
        {"consultation": consultation, "page": page},
    )


@working_group_view
@require_POST
def undo(request, action_id):
    action = get_object_or_404(CodingAction.objects.select_related("consultation"), pk=action_id)
    try:
        coding_services.undo(actor=request.user, action=action)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        kept = ""
        if action.scope == CodingAction.Scope.IMPORT:
            # Themes stay when their codes go (see the codebook's text): say so.
            kept = (
                " Themes the import added stay in the codebook, marked unused: "
                "delete them there if they are not needed."
            )
        messages.success(
            request,
            f"Undone: {action.get_kind_display().lower()} on "
            f"{action.item_count} item{pluralize(action.item_count)}.{kept}",
        )
    return redirect("synthesis:history", slug=action.consultation.slug)


# -- my assigned items -----------------------------------------------------------------------


@working_group_view
def my_items(request):
    page, counts = selectors.my_items(request.user, request.GET.get("page"))
    return render(
        request,
        "consultation/synthesis/my_items.html",
        {"page": page, "counts": counts},
    )
