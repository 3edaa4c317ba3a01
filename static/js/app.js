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
    label.className = "form-label small mb-0";
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

  function start() {
    enhance(document);
    // htmx fires afterSwap on each element it put in the page (it bubbles to body).
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var root = event.target;
      enhance(root);
      focusSwapped(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
