"""The codes-only import pages (Working group, with a second factor): upload a CSV file of
external ids and themes, see what applying it would do (rows that name an item here, the
unknown ids with the reason, the themes the codebook gains, the first rows), apply it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from consultation.selectors import campaigns as selectors
from consultation.synthesis import code_imports
from consultation.synthesis.forms.campaigns import CodeImportForm
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_working_group


@staff_view(is_working_group)
@require_http_methods(["GET", "POST"])
def index(request):
    form = CodeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        code_import = code_imports.code_import_create(
            consultation=form.cleaned_data["consultation"],
            user=request.user,
            file_name=upload.name,
            content=upload.read(),
        )
        return redirect("synthesis:code_import", import_id=code_import.pk)
    page = selectors.code_import_page(request.GET.get("page"))
    return render(
        request,
        "consultation/synthesis/code_imports/index.html",
        {"form": form, "page_obj": page, "imports": page.object_list},
        status=400 if form.errors else 200,
    )


def _import_or_404(import_id):
    found = selectors.code_import_get(import_id)
    if found is None:
        raise Http404("No such import of codes")
    return found


@staff_view(is_working_group)
def detail(request, import_id):
    return render(
        request,
        "consultation/synthesis/code_imports/detail.html",
        {"code_import": _import_or_404(import_id)},
    )


@staff_view(is_working_group)
@require_POST
def apply(request, import_id):
    code_import = _import_or_404(import_id)
    try:
        code_import = code_imports.code_import_apply(code_import=code_import, actor=request.user)
    except code_imports.NotAllowed as error:
        messages.error(request, str(error))
    else:
        if code_import.status == code_import.Status.APPLIED:
            messages.success(request, f"Applied {code_import.codes_added:,} new codes.")
        else:
            messages.error(request, "Nothing was applied: the file has problems (see below).")
    return redirect("synthesis:code_import", import_id=code_import.pk)
