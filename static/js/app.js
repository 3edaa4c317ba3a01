/*
 * Small enhancements on top of pages that work without JavaScript.
 *
 * Loaded as a static file (never inline) because the Content Security Policy
 * allows no inline script, no inline event handler and no eval.
 *
 * 1. A filter box above every <select multiple data-searchable="true"> (the
 *    key partners), which hides the options that do not match what is typed.
 * 2. After an htmx swap, focus goes to the first element of the new content
 *    marked [data-focus] or [autofocus], so keyboard and screen-reader users
 *    land in the row they opened (or on its first error) instead of on <body>.
 * 3. The Action Table: long texts clamped with a "show more" toggle; one row in
 *    edit at a time; Escape cancels an edit; leaving the page (or opening another
 *    row) with unsaved edits asks first; a row that just changed is scrolled into
 *    view; an htmx request the server refuses says so in the row, keeping the form.
 */
(function () {
  "use strict";

  var filterCount = 0;

  // Compare without case or accents: "Denkstatt" matches "denk", "Ес" matches "ес".
  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLocaleLowerCase();
  }

  function filterOptions(select, query) {
    var wanted = fold(query.trim());
    Array.prototype.forEach.call(select.options, function (option) {
      // A chosen partner stays visible, so that a filter never hides what will be saved.
      var match = !wanted || option.selected || fold(option.text).indexOf(wanted) !== -1;
      option.hidden = !match;
    });
  }

  function addFilterBox(select) {
    if (select.dataset.filterReady === "true") {
      return;
    }
    select.dataset.filterReady = "true";
    filterCount += 1;

    // The text comes from the template (translated there): the select's own
    // data-filter-label first, else the page-wide one on <body>.
    var texts = document.body.dataset;
    var input = document.createElement("input");
    input.type = "search";
    input.id = (select.id || "searchable-select-" + filterCount) + "-filter";
    input.className = "form-control form-control-sm mb-1";
    input.autocomplete = "off";
    input.placeholder = select.dataset.filterPlaceholder || texts.textFilterPlaceholder || "";
    if (select.id) {
      input.setAttribute("aria-controls", select.id);
    }

    var label = document.createElement("label");
    label.htmlFor = input.id;
    // A line of its own: inline, it ran on from the field's label ("Key partners Filter the list").
    label.className = "form-label small mb-0 d-block";
    label.textContent = select.dataset.filterLabel || texts.textFilter || "Filter";

    input.addEventListener("input", function () {
      filterOptions(select, input.value);
    });
    // Enter in the filter box must not submit the form the select belongs to.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });

    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(input, select);
  }

  function enhance(root) {
    var selects = [];
    if (root.matches && root.matches('select[multiple][data-searchable="true"]')) {
      selects.push(root);
    }
    if (root.querySelectorAll) {
      Array.prototype.push.apply(
        selects,
        root.querySelectorAll('select[multiple][data-searchable="true"]')
      );
    }
    selects.forEach(addFilterBox);
  }

  function focusTarget(root) {
    var selector = "[data-focus], [autofocus]";
    if (root.matches && root.matches(selector)) {
      return root;
    }
    return root.querySelector ? root.querySelector(selector) : null;
  }

  function focusSwapped(root) {
    var target = focusTarget(root);
    if (!target) {
      return;
    }
    // A heading or an error message can be marked too: make it focusable by script only.
    if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  // --- The Action Table ---------------------------------------------------------

  function text(name, fallback) {
    return document.body.dataset[name] || fallback;
  }

  function addClampToggles(root) {
    var clamped = root.querySelectorAll ? root.querySelectorAll(".action-table .clamp") : [];
    Array.prototype.forEach.call(clamped, function (block) {
      if (block.dataset.clampReady === "true" || block.scrollHeight <= block.clientHeight + 1) {
        return;
      }
      block.dataset.clampReady = "true";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link clamp-toggle";
      button.textContent = text("textShowMore", "more");
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", function () {
        var expanded = block.classList.toggle("expanded");
        button.textContent = expanded ? text("textShowLess", "less") : text("textShowMore", "more");
        button.setAttribute("aria-expanded", expanded ? "true" : "false");
      });
      block.parentNode.insertBefore(button, block.nextSibling);
    });
  }

  function isDirty(form) {
    return form.dataset.dirty === "true";
  }

  function dirtyForms() {
    return Array.prototype.filter.call(
      document.querySelectorAll("form[data-track-unsaved]"),
      isDirty
    );
  }

  function cancelEdit(form) {
    var cancel = form.querySelector(".row-cancel");
    var row = form.closest("tr");
    if (!cancel || !row) {
      return null;
    }
    form.dataset.dirty = "false";
    if (window.htmx && cancel.getAttribute("hx-get")) {
      return window.htmx.ajax("GET", cancel.getAttribute("hx-get"), { target: row, swap: "outerHTML" });
    }
    cancel.click();
    return null;
  }

  function confirmDiscard() {
    return window.confirm(text("textDiscard", "Discard the changes you have not saved?"));
  }

  function openEditForms() {
    return document.querySelectorAll(".edit-row form[data-track-unsaved]");
  }

  function startTable() {
    document.documentElement.classList.add("js");
    addClampToggles(document);

    document.body.addEventListener("input", function (event) {
      var form = event.target.closest && event.target.closest("form[data-track-unsaved]");
      if (form) {
        form.dataset.dirty = "true";
      }
    });
    document.body.addEventListener("submit", function (event) {
      if (event.target.matches && event.target.matches("form[data-track-unsaved]")) {
        event.target.dataset.dirty = "false";
      }
    });

    // One row in edit at a time: opening another closes the open one (asking first
    // when it holds unsaved changes).
    document.body.addEventListener("htmx:confirm", function (event) {
      var trigger = event.detail.elt;
      if (!trigger.classList || !trigger.classList.contains("row-edit")) {
        return;
      }
      // Another row is opening right now: one at a time.
      var opening = document.querySelector(".row-edit.htmx-request");
      if (opening && opening !== trigger) {
        event.preventDefault();
        return;
      }
      var open = openEditForms();
      if (!open.length) {
        return;
      }
      if (Array.prototype.some.call(open, isDirty) && !confirmDiscard()) {
        event.preventDefault();
        return;
      }
      // The open row back first, then this one opens (one request at a time).
      event.preventDefault();
      var closing = Array.prototype.map.call(open, cancelEdit);
      Promise.all(closing).then(function () {
        event.detail.issueRequest(true);
      });
    });

    // Escape cancels the edit the focus is in.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      var form = event.target.closest && event.target.closest(".edit-row form[data-track-unsaved]");
      if (!form) {
        return;
      }
      event.preventDefault();
      if (!isDirty(form) || confirmDiscard()) {
        cancelEdit(form);
      }
    });

    window.addEventListener("beforeunload", function (event) {
      if (dirtyForms().length) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    // A request the server refused (the session ended: 401; or an error): the form
    // stays as typed, and the row says plainly that nothing was saved.
    document.body.addEventListener("htmx:responseError", function (event) {
      var elt = event.detail.elt;
      var form = elt.closest && elt.closest("form");
      var holder = (form && form.closest("td")) || (elt.closest && elt.closest("td"));
      if (!holder) {
        return;
      }
      var status = event.detail.xhr.status;
      var message = holder.querySelector(".request-error");
      if (!message) {
        message = document.createElement("div");
        message.className = "alert alert-danger request-error";
        message.setAttribute("role", "alert");
        holder.insertBefore(message, holder.firstChild);
      }
      message.textContent =
        status === 401
          ? text("textSessionEnded", "Your session has ended: nothing was saved.")
          : text("textNotSaved", "The server refused the request: nothing was saved.");
    });

    // The timeline opens at today (the server says how far to scroll).
    Array.prototype.forEach.call(document.querySelectorAll(".timeline-scroll[data-scroll-to]"), function (box) {
      box.scrollLeft = parseInt(box.dataset.scrollTo, 10) || 0;
    });

    // A row that just changed (after an add or a save without JavaScript) into view.
    var flashed = document.querySelector(".action-table tr.flash");
    if (flashed && flashed.scrollIntoView) {
      flashed.scrollIntoView({ block: "center" });
    }
  }

  // A part of the page sent again out of band (the resource totals after a row is
  // saved in place) keeps open what the user had opened in it.
  function keepOpenDetails(event) {
    var target = event.detail.target;
    var fragment = event.detail.fragment;
    if (!target || !fragment || !fragment.querySelector) {
      return;
    }
    var opened = [];
    if (target.matches("details[open][id]")) {
      opened.push(target.id);
    }
    target.querySelectorAll("details[open][id]").forEach(function (details) {
      opened.push(details.id);
    });
    opened.forEach(function (id) {
      var details = fragment.querySelector("#" + CSS.escape(id));
      if (details) {
        details.open = true;
      }
    });
  }

  function start() {
    document.body.addEventListener("htmx:oobBeforeSwap", keepOpenDetails);
    enhance(document);
    startTable();
    focusSwapped(document);
    // htmx fires afterSwap on each element it put in the page (it bubbles to body).
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var root = event.target;
      enhance(root);
      addClampToggles(root);
      focusSwapped(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
