"""The import pages, for the Working group with a second factor: upload a file, see its
check (counts, the first rows as they will be stored, problems by row and column), choose a
CSV file's columns, import it, watch its progress, undo it. Work on a file runs in a
background task; while it runs the batch's page offers to refresh itself (no script
needed), and does only when asked: a page that reloads itself every few seconds takes a
screen reader back to the top and the focus away before a keyboard reaches a way to stop
it (WCAG 2.2.1, 2.2.2)."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from consultation.imports import selectors, services, tasks
from consultation.imports.forms import MappingForm, UploadForm
from consultation.imports.models import BatchStatus, FileFormat
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_working_group

REFRESH_SECONDS = 2


def _after_commit(task_obj, **kwargs):
    transaction.on_commit(lambda: task_obj.enqueue(**kwargs))


def _batch_or_404(batch_id):
    batch = selectors.batch_get(batch_id)
    if batch is None:
        raise Http404("No such import")
    return batch


@staff_view(is_working_group)
@require_http_methods(["GET", "POST"])
def index(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.batch_create(
            consultation=form.cleaned_data["consultation"],
            user=request.user,
            file_name=upload.name,
            file_format=form.cleaned_data["file_format"],
            content=upload.read(),
        )
        _after_commit(tasks.check_batch, batch_id=batch.pk)
        return redirect("consultation:import_batch", batch_id=batch.pk)
    page = selectors.batch_page(request.GET.get("page"))
    return render(
        request,
        "imports/index.html",
        {"form": form, "page_obj": page, "batches": page.object_list},
    )


@staff_view(is_working_group)
@require_http_methods(["GET", "POST"])
def batch_detail(request, batch_id):
    batch = _batch_or_404(batch_id)
    form = None
    if batch.file_format == FileFormat.CSV and batch.status in (
        BatchStatus.READY,
        BatchStatus.REJECTED,
    ):
        form = MappingForm(
            request.POST or None,
            columns=batch.report.get("columns", []),
            initial=batch.mapping,
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, "This file's columns can no longer be changed.")
            return redirect("consultation:import_batch", batch_id=batch.pk)
        if form.is_valid():
            try:
                services.batch_remap(batch=batch, mapping=form.mapping())
            except services.NotAllowed as error:
                messages.error(request, str(error))
            else:
                _after_commit(tasks.check_batch, batch_id=batch.pk)
            return redirect("consultation:import_batch", batch_id=batch.pk)
    return render(
        request,
        "imports/batch.html",
        {
            "batch": batch,
            "form": form,
            "refresh_every": REFRESH_SECONDS,
            "refresh_seconds": (
                REFRESH_SECONDS
                if batch.in_progress and request.GET.get("refresh") == "auto"
                else None
            ),
            "flagged": selectors.flagged_responses(batch)
            if batch.status == BatchStatus.IMPORTED
            else [],
        },
    )


@staff_view(is_working_group)
@require_POST
def batch_import(request, batch_id):
    batch = _batch_or_404(batch_id)
    try:
        services.batch_start(batch=batch)
    except services.NotAllowed as error:
        messages.error(request, str(error))
    else:
        _after_commit(tasks.import_batch, batch_id=batch.pk, actor_id=request.user.pk)
    return redirect("consultation:import_batch", batch_id=batch.pk)


@staff_view(is_working_group)
@require_http_methods(["GET", "POST"])
def batch_undo(request, batch_id):
    batch = _batch_or_404(batch_id)
    if request.method == "POST":
        try:
            removed = services.batch_undo(batch=batch, actor=request.user)
        except services.NotAllowed as error:
            messages.error(request, str(error))
        else:
            kept = ""
            if (batch.mapping or {}).get("themes"):
                # As for an undone import of codes: the themes stay, their codes go.
                kept = (
                    " Its codes went with them; themes it added stay in the codebook, marked"
                    " unused: delete them there if they are not needed."
                )
            messages.success(
                request,
                f"Undone: {removed:,} responses from {batch.file_name} were removed.{kept}",
            )
        return redirect("consultation:import_batch", batch_id=batch.pk)
    return render(request, "imports/undo.html", {"batch": batch})
