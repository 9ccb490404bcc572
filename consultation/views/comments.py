"""Comments on the draft and everything one can do with a comment or post: reply, react,
edit, withdraw, report, and its permalink. Thin: rules decide, services write, selectors
read. Each form works as a plain page; the page script asks for fragments instead."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from consultation import anchoring, conf, rules
from consultation.forms import ContributionForm, EditForm, FlagForm, ReplyForm
from consultation.models import Consultation, Reaction, Status
from consultation.selectors import contributions as contribution_selectors
from consultation.selectors import sections as section_selectors
from consultation.selectors import threads as thread_selectors
from consultation.services import comments as comment_services
from consultation.services import moderation as moderation_services
from consultation.services import reactions as reaction_services
from consultation.threads import MAX_SHOWN_DEPTH, Thread
from consultation.views.responses import (
    form_response,
    inline_form_ids,
    participation_refusal,
    post_contribution,
    refusal,
    safe_next,
    take_write,
    wants_fragment,
)
from hub.pages.privacy import privacy_for

REACTION_NONE = "none"  # the form's value for "no reaction" (take one's reaction back)


def _posted_message(request, comment):
    if comment.status == Status.PENDING:
        messages.success(
            request,
            f"Thank you. Your {comment.noun} will appear once a moderator has checked it; "
            "until then only you can see it.",
        )
    else:
        messages.success(request, f"Your {comment.noun} has been posted.")


def _section(request, consultation, section_id):
    """A live section of the consultation that the reader may see: one an editor restricted
    (Wagtail page privacy) does not exist for those it keeps out."""
    section = get_object_or_404(consultation.sections.filter(live=True), pk=section_id)
    if not privacy_for(request).can_view(section):
        raise Http404("No such section")
    return section


def _section_and_paragraph(request, consultation, section_id, paragraph_id):
    section = _section(request, consultation, section_id)
    if paragraph_id and paragraph_id not in anchoring.paragraph_numbers(section):
        raise Http404("That paragraph is not in the current draft.")
    return section


@require_http_methods(["GET", "POST"])
def comment_create(request, slug, section_id):
    consultation = get_object_or_404(Consultation, slug=slug)
    paragraph_id = request.POST.get("paragraph", request.GET.get("paragraph", ""))
    if paragraph_id == "section":
        paragraph_id = ""
    section = _section_and_paragraph(request, consultation, section_id, paragraph_id)
    refused = participation_refusal(request, consultation)
    if refused:
        return refused
    number = anchoring.paragraph_numbers(section).get(paragraph_id)
    label = f"Your comment on paragraph {number}" if number else "Your comment on this section"
    form = ContributionForm(
        request.POST or None,
        label=label,
        ids=inline_form_ids(request, f"comment-{paragraph_id or 'section'}"),
    )
    if request.method == "POST":
        ended, comment = post_contribution(
            request,
            form,
            comment_services.comment_create,
            consultation=consultation,
            section=section,
            paragraph_id=paragraph_id,
        )
        if ended:
            return ended
        if comment and wants_fragment(request):
            shown = thread_selectors.comment_shown(comment=comment, user=request.user)
            return render(
                request,
                "consultation/includes/thread.html",
                {"thread": Thread(root=shown), "fresh": True},
                status=201,
            )
        if comment:
            _posted_message(request, comment)
            anchor = f"p-{paragraph_id}" if paragraph_id else "section-comments"
            return redirect(f"{section.url}?paragraph={paragraph_id or 'section'}#{anchor}")
    context = {
        "form": form,
        "consultation": consultation,
        "section": section,
        "paragraph_id": paragraph_id,
        "paragraph_number": number,
        "paragraph_text": anchoring.paragraph_text(section, paragraph_id) if paragraph_id else "",
        "action_url": request.path,
        "cancel_url": section.url + (f"#p-{paragraph_id}" if paragraph_id else ""),
        "submit_label": "Post comment",
    }
    return form_response(
        request, page_template="consultation/comment_form.html", context=context, form=form
    )


def _visible_comment(request, comment_id, get=thread_selectors.comment_get):
    comment = get(comment_id)
    if comment is None or not rules.can_view_comment(request.user, comment):
        raise Http404("No such comment")
    if not privacy_for(request).can_view(comment.section):
        raise Http404("No such comment")
    return comment


def comment_detail(request, comment_id):
    """The permalink of a comment or post: its conversation a page of replies at a time,
    with its place in the draft. A reply's permalink leads to the page that shows it."""
    comment = _visible_comment(request, comment_id, get=thread_selectors.comment_for_reading)
    if comment.parent_id:
        return redirect(_permalink(request, comment))
    view = thread_selectors.thread_for(
        comment=comment, user=request.user, page_number=request.GET.get("page")
    )
    if view is None:
        raise Http404("No such comment")
    return render(request, "consultation/comment_detail.html", {"view": view})


def _permalink(request, comment):
    """The page of its conversation that shows `comment` to this reader, at its anchor."""
    return thread_selectors.permalink_url(comment=comment, user=request.user)


def _after_reply_url(request, reply):
    """Back to where the reply can be seen: the section page while its thread is short
    enough to be shown there in full, else the conversation's page that holds it."""
    if reply.section_id and not reply.is_post:
        thread_total = reply.root.thread_replies.count() if reply.root_id else 0
        if thread_total <= conf.REPLIES_PER_THREAD:
            return f"{reply.section.url}?paragraph={reply.paragraph_id or 'section'}#{reply.anchor}"
    return _permalink(request, reply)


@require_http_methods(["GET", "POST"])
def comment_reply(request, comment_id):
    parent = _visible_comment(request, comment_id)
    refused = participation_refusal(request, parent.consultation)
    if refused:
        return refused
    if not rules.can_reply(request.user, parent):
        return refusal(request, "You can reply only to published contributions.")
    form = ReplyForm(request.POST or None, ids=inline_form_ids(request, f"reply-{parent.pk}"))
    if request.method == "POST":
        ended, reply = post_contribution(
            request, form, comment_services.reply_create, parent=parent
        )
        if ended:
            return ended
        if reply and wants_fragment(request):
            shown = thread_selectors.comment_shown(comment=reply, user=request.user)
            shown.depth = min(reply.depth, MAX_SHOWN_DEPTH)
            return render(
                request,
                "consultation/includes/comment.html",
                {"item": shown, "fresh": True},
                status=201,
            )
        if reply:
            _posted_message(request, reply)
            return redirect(_after_reply_url(request, reply))
    context = {
        "form": form,
        "parent": thread_selectors.comment_shown(comment=parent, user=request.user),
        "consultation": parent.consultation,
        "action_url": request.path,
        "cancel_url": parent.get_absolute_url(),
        "submit_label": "Post reply",
    }
    return form_response(
        request, page_template="consultation/reply_form.html", context=context, form=form
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, comment_id):
    comment = _visible_comment(request, comment_id)
    if not rules.is_author(request.user, comment):
        return refusal(request, "You can edit only what you wrote.")
    if comment.status not in Status.EDITABLE:
        return refusal(
            request, f"This is {comment.get_status_display().lower()}: it cannot be edited."
        )
    barrier = rules.participation_barrier(request.user, comment.consultation)
    if barrier and barrier.code in ("upcoming", "closed"):
        return refusal(
            request,
            barrier.message,
            action_text="Withdraw it instead",
            action_url=comment.withdraw_url,
        )
    if not rules.can_edit(request.user, comment):
        minutes = conf.edit_window_minutes()
        return refusal(
            request,
            f"Contributions can be edited for {minutes} minute{pluralize(minutes)} after they "
            "are posted, while the consultation is open. You can still withdraw it.",
            action_text="Withdraw it",
            action_url=f"{comment.get_absolute_url()}withdraw/",
        )
    form = EditForm(request.POST or None, comment=comment)
    if request.method == "POST":
        limited, taken = take_write(request)
        if limited:
            return limited
        if not form.is_valid():
            taken.give_back()
        else:
            try:
                comment = comment_services.comment_edit(
                    author=request.user,
                    comment=comment,
                    text=form.cleaned_data["body"],
                    title=form.cleaned_data.get("title"),
                )
            except (comment_services.NotAllowed, comment_services.NothingWritten) as exc:
                taken.give_back()
                return refusal(request, str(exc))
            if comment.status == Status.PENDING:
                messages.success(request, "Your changes are saved and wait for a moderator.")
            else:
                messages.success(request, "Your changes are saved.")
            return redirect(_permalink(request, comment))
    return render(
        request,
        "consultation/comment_edit.html",
        {"form": form, "comment": comment, "cancel_url": _permalink(request, comment)},
    )


def _already_withdrawn(request, comment):
    messages.info(request, "You have already withdrawn this: nobody else sees it now.")
    return redirect(_permalink(request, comment))


@login_required
@require_http_methods(["GET", "POST"])
def comment_withdraw(request, comment_id):
    comment = _visible_comment(request, comment_id)
    if rules.is_author(request.user, comment) and comment.status == Status.WITHDRAWN:
        return _already_withdrawn(request, comment)
    if not rules.can_withdraw(request.user, comment):
        return refusal(request, "You can withdraw only what you wrote.")
    if request.method == "POST":
        try:
            comment, withdrawn = comment_services.comment_withdraw(
                author=request.user, comment=comment
            )
        except comment_services.NotAllowed as exc:
            return refusal(request, str(exc))
        if not withdrawn:  # the same form sent twice at once: the other request did it
            return _already_withdrawn(request, comment)
        days = conf.withdrawn_retention_days()
        messages.success(
            request,
            "Your words are withdrawn: nobody else sees them now. They are kept for "
            f"{days} day{pluralize(days)} for the moderators' records, then removed.",
        )
        return redirect(_permalink(request, comment))
    return render(
        request,
        "consultation/comment_withdraw.html",
        {"comment": comment, "cancel_url": _permalink(request, comment)},
    )


@require_POST
def comment_react(request, comment_id):
    """Set the reader's reaction: the form says the reaction to hold from now on (agree,
    disagree or none), so a repeated request changes nothing."""
    comment = _visible_comment(request, comment_id)
    # Back to the page the buttons were on: never to this address, which takes only POST.
    back = safe_next(request, _permalink(request, comment))
    refused = participation_refusal(request, comment.consultation, next_url=back)
    if refused:
        return refused
    wanted = request.POST.get("reaction", "")
    if wanted not in (*Reaction.Value.values, REACTION_NONE):
        return refusal(request, "Choose agree, disagree or no reaction.", status=400)
    limited, taken = take_write(request, action="react")
    if limited:
        return limited
    changed = False
    try:
        _value, changed = reaction_services.reaction_set(
            user=request.user,
            comment=comment,
            value=None if wanted == REACTION_NONE else wanted,
        )
    except comment_services.NotAllowed:
        return refusal(request, "You cannot react to this (you cannot react to your own words).")
    finally:
        if not changed:
            taken.give_back()
    if wants_fragment(request):
        shown = thread_selectors.comment_shown(comment=comment, user=request.user)
        return render(
            request,
            "consultation/includes/reactions.html",
            {"item": shown, "reaction_next": back},
        )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def comment_flag(request, comment_id):
    comment = _visible_comment(request, comment_id)
    if rules.has_flagged(request.user, comment):
        messages.info(request, "You have already reported this. A moderator will look at it.")
        return redirect(_permalink(request, comment))
    if not rules.can_flag(request.user, comment):
        barrier = rules.participation_barrier(request.user, comment.consultation)
        if barrier and barrier.code in ("unverified", "profile", "blocked"):
            return refusal(
                request,
                barrier.message,
                action_text=barrier.action_text,
                action_url=barrier.action_url,
            )
        return refusal(request, "You can report only published contributions by others.")
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        limited, taken = take_write(request, action="flag")
        if limited:
            return limited
        if not form.is_valid():
            taken.give_back()
        else:
            try:
                _flag, created = moderation_services.flag_create(
                    user=request.user,
                    comment=comment,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except comment_services.NotAllowed as exc:  # hidden or withdrawn meanwhile
                taken.give_back()
                return refusal(request, str(exc))
            if not created:
                taken.give_back()
            messages.success(
                request,
                "Thank you for reporting this. A moderator will look at it; your "
                "contributions page will say what they decided.",
            )
            return redirect(safe_next(request, _permalink(request, comment)))
    shown = thread_selectors.comment_shown(comment=comment, user=request.user)
    return render(
        request,
        "consultation/comment_flag.html",
        {"form": form, "item": shown, "cancel_url": _permalink(request, comment)},
    )


def section_comments(request, slug, section_id, paragraph):
    """Every comment on one paragraph (or on the whole section: paragraph 'section')."""
    consultation = get_object_or_404(Consultation, slug=slug)
    section = _section(request, consultation, section_id)
    paragraph_id = "" if paragraph == "section" else paragraph
    order = request.GET.get("order", "oldest")
    if order not in section_selectors.ORDERINGS:
        order = "oldest"
    page, threads = section_selectors.paragraph_comments(
        consultation=consultation,
        section=section,
        paragraph_id=paragraph_id,
        user=request.user,
        page_number=request.GET.get("page"),
        order=order,
    )
    numbers = anchoring.paragraph_numbers(section)
    barrier = rules.participation_barrier(request.user, consultation, next_url=request.path)
    return TemplateResponse(
        request,
        "consultation/section_comments.html",
        {
            "consultation": consultation,
            "section": section,
            "paragraph_id": paragraph_id,
            "paragraph_number": numbers.get(paragraph_id),
            "paragraph_text": anchoring.paragraph_text(section, paragraph_id),
            "page_obj": page,
            "threads": threads,
            "order": order,
            "orders": [
                ("oldest", "Oldest first"),
                ("newest", "Newest first"),
                ("agreed", "Most agreed"),
            ],
            "barrier": barrier,
            "comment_url": section_selectors.comment_form_url(consultation, section, paragraph_id),
        },
    )


@login_required
def my_contributions(request):
    """What the signed-in person wrote (with what happened to it) and what they reported
    (with what the moderators decided)."""
    page, contributions = contribution_selectors.contributions_of(
        user=request.user, privacy=privacy_for(request), page_number=request.GET.get("page")
    )
    reports, reports_total = contribution_selectors.reports_of(
        user=request.user, privacy=privacy_for(request)
    )
    return render(
        request,
        "consultation/my_contributions.html",
        {
            "page_obj": page,
            "contributions": contributions,
            "reports": reports,
            "reports_total": reports_total,
        },
    )
