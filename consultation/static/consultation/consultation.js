// Comments without page jumps. Progressive enhancement only: every link and form here
// works as a plain page without this file. With it, comment and reply forms open inline,
// posts and reactions are sent with fetch, and the server's HTML fragment is put in place.
(function () {
  "use strict";

  var FRAGMENT = { "X-Hub-Fragment": "1" };

  function announce(text) {
    var region = document.querySelector("[data-hub-announce]");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = text; }, 50);
    }
  }

  function htmlToElement(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function fetchFragment(url, options) {
    options = options || {};
    options.headers = Object.assign({}, FRAGMENT, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        return { status: response.status, redirected: response.redirected, html: text };
      });
    });
  }

  // Open a closed <details> around the element the address points at (#comment-12).
  function revealTarget() {
    if (!window.location.hash) return;
    var target = document.getElementById(window.location.hash.slice(1));
    var details = target && target.closest("details");
    if (details) {
      details.hidden = false;
      details.open = true;
      target.scrollIntoView();
    }
  }

  function openInlineForm(link, container, insertAfter) {
    var existing = container.querySelector(":scope > [data-hub-form]");
    if (existing) {
      var field = existing.querySelector("textarea");
      if (field) field.focus();
      return;
    }
    link.setAttribute("aria-busy", "true");
    fetchFragment(link.href).then(function (result) {
      link.removeAttribute("aria-busy");
      if (result.status !== 200 || result.redirected) {
        window.location.href = link.href; // sign in, complete a profile...: the page says
        return;
      }
      var form = htmlToElement(result.html);
      form.hubTrigger = link;
      insertAfter.insertAdjacentElement("afterend", form);
      var textarea = form.querySelector("textarea");
      if (textarea) textarea.focus();
    }, function () {
      window.location.href = link.href;
    });
  }

  function updateCount(tools, delta) {
    var count = tools.querySelector("[data-hub-count]");
    if (!count) return;
    var total = parseInt(count.getAttribute("data-hub-count"), 10) + delta;
    count.setAttribute("data-hub-count", String(total));
    count.textContent = total + (total === 1 ? " comment" : " comments");
  }

  function placeNewThread(formBox, element) {
    var tools = formBox.closest("[data-hub-paragraph]");
    var list = tools && tools.querySelector("[data-hub-threads]");
    if (!list) return false;
    var panel = list.closest(".hub-comments-panel");
    if (panel) {
      panel.hidden = false;
      if (panel.tagName === "DETAILS") panel.open = true;
    }
    var empty = tools.querySelector(".hub-comments-empty");
    if (empty) empty.hidden = true;
    list.insertBefore(element, list.firstChild); // newest first, as the server lists them
    updateCount(tools, 1);
    return true;
  }

  function placeReply(formBox, element) {
    var parentItem = formBox.closest("[data-comment-id]");
    if (!parentItem) return false;
    var parentDepth = parseInt(parentItem.getAttribute("data-depth"), 10);
    var after = parentItem;
    var next = parentItem.nextElementSibling;
    while (next && parseInt(next.getAttribute("data-depth"), 10) > parentDepth) {
      after = next;
      next = next.nextElementSibling;
    }
    after.insertAdjacentElement("afterend", element);
    var tools = parentItem.closest("[data-hub-paragraph]");
    if (tools) updateCount(tools, 1);
    return true;
  }

  function showProblem(formBox, html) {
    var old = formBox.querySelector(".hub-refusal");
    if (old) old.remove();
    var message = htmlToElement(html) || htmlToElement(
      '<div class="nhsuk-inset-text hub-refusal" role="alert"><p>Your words could not be sent. ' +
      "Check your connection and try again: nothing has been lost.</p></div>"
    );
    formBox.insertBefore(message, formBox.firstChild);
    message.setAttribute("tabindex", "-1");
    message.focus();
  }

  function submitInline(form, submitter) {
    var formBox = form.closest("[data-hub-form]");
    var button = submitter || form.querySelector("button[type=submit]");
    if (button.disabled) return;
    button.disabled = true;
    var isReply = form.hasAttribute("data-hub-parent");
    fetchFragment(form.action, { method: "POST", body: new FormData(form) }).then(function (result) {
      button.disabled = false;
      if (result.status === 201) {
        var element = htmlToElement(result.html);
        var placed = isReply ? placeReply(formBox, element) : placeNewThread(formBox, element);
        if (!placed) {
          window.location.reload();
          return;
        }
        formBox.remove();
        var focusTarget = element.matches("[data-comment-id]") ? element : element.querySelector("[data-comment-id]");
        if (focusTarget) {
          focusTarget.setAttribute("tabindex", "-1");
          focusTarget.focus();
        }
        var waiting = element.querySelector(".hub-comment--pending") || element.matches(".hub-comment--pending");
        announce(waiting
          ? "Thank you. It will appear to others once a moderator has checked it."
          : (isReply ? "Your reply has been posted." : "Your comment has been posted."));
        return;
      }
      if (result.status === 422) {
        var replacement = htmlToElement(result.html);
        replacement.hubTrigger = formBox.hubTrigger;
        formBox.replaceWith(replacement);
        var summary = replacement.querySelector(".nhsuk-error-summary");
        if (summary) summary.focus();
        return;
      }
      showProblem(formBox, result.html);
    }, function () {
      button.disabled = false;
      showProblem(formBox, "");
    });
  }

  // Each reaction button says the reaction to hold from now on (agree, disagree, or none
  // for the chosen one), so a repeated request is harmless; the buttons are still
  // disabled while one is on its way, and the server's fragment brings the new state.
  function react(form, submitter) {
    if (!submitter || form.getAttribute("aria-busy") === "true") return;
    var kind = submitter.getAttribute("data-hub-reaction");
    var data = new FormData(form);
    data.set(submitter.name, submitter.value);
    var buttons = Array.prototype.slice.call(form.querySelectorAll("button"));
    function busy(state) {
      buttons.forEach(function (button) { button.disabled = state; });
      if (state) form.setAttribute("aria-busy", "true");
      else form.removeAttribute("aria-busy");
    }
    busy(true);
    fetchFragment(form.action, { method: "POST", body: data }).then(function (result) {
      if (result.status !== 200) {
        busy(false);
        submitter.focus();
        var refusal = htmlToElement(result.html);
        var message = refusal && refusal.querySelector("p");
        announce(message ? message.textContent : "Your reaction could not be saved.");
        return;
      }
      var replacement = htmlToElement(result.html);
      form.closest(".hub-reactions").replaceWith(replacement);
      var again = replacement.querySelector('button[data-hub-reaction="' + kind + '"]');
      if (again) again.focus();
      announce(again && again.getAttribute("aria-pressed") === "true" ? "Reaction saved." : "Reaction removed.");
    }, function () {
      busy(false);
      submitter.focus();
      announce("Your reaction could not be saved. Check your connection.");
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-hub-comment], a[data-hub-reply], a[data-hub-cancel]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    if (link.hasAttribute("data-hub-cancel")) {
      var box = link.closest("[data-hub-form]");
      if (!box || !box.hubTrigger) return; // on a form page: a plain link back
      event.preventDefault();
      var trigger = box.hubTrigger;
      box.remove();
      trigger.focus();
      return;
    }
    event.preventDefault();
    if (link.hasAttribute("data-hub-reply")) {
      var item = link.closest("[data-comment-id]");
      openInlineForm(link, item, link.closest(".hub-comment__actions"));
    } else {
      var tools = link.closest("[data-hub-paragraph]");
      openInlineForm(link, tools, link.closest("p"));
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-hub-react]")) {
      event.preventDefault();
      react(form, event.submitter);
    } else if (form.matches("form[data-hub-post]") && form.closest("[data-hub-form]").hubTrigger) {
      event.preventDefault();
      submitInline(form, event.submitter);
    }
  });

  window.addEventListener("hashchange", revealTarget);
  revealTarget();
})();
