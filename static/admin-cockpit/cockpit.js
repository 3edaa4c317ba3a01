/*
 * The meeting's parts (agenda, attendance, contributions, next steps) as tabs on
 * its admin page: one shown at a time, a tab with an error opened first. Without
 * JavaScript they stay one under the other, as Django's admin draws them.
 */
(function () {
  "use strict";

  function start() {
    var groups = Array.prototype.slice.call(document.querySelectorAll("#meeting_form .inline-group"));
    if (groups.length < 2) {
      return;
    }
    document.documentElement.classList.add("js-cockpit");
    var list = document.createElement("div");
    list.className = "cockpit-tabs";
    list.setAttribute("role", "tablist");
    var buttons = groups.map(function (group, index) {
      var heading = group.querySelector("h2");
      var button = document.createElement("button");
      button.type = "button";
      button.id = "cockpit-tab-" + index;
      button.setAttribute("role", "tab");
      button.setAttribute("aria-controls", group.id);
      var rows = group.querySelectorAll(".form-row.has_original, .inline-related.has_original").length;
      button.textContent = (heading ? heading.textContent.trim() : group.id) + " (" + rows + ")";
      group.setAttribute("role", "tabpanel");
      group.setAttribute("aria-labelledby", button.id);
      button.addEventListener("click", function () {
        show(index);
      });
      button.addEventListener("keydown", function (event) {
        if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
          var next = (index + (event.key === "ArrowRight" ? 1 : groups.length - 1)) % groups.length;
          show(next);
          buttons[next].focus();
        }
      });
      list.appendChild(button);
      return button;
    });

    function show(wanted) {
      groups.forEach(function (group, index) {
        group.hidden = index !== wanted;
        buttons[index].setAttribute("aria-selected", index === wanted ? "true" : "false");
        buttons[index].tabIndex = index === wanted ? 0 : -1;
      });
    }

    groups[0].parentNode.insertBefore(list, groups[0]);
    var withError = groups.findIndex(function (group) {
      return group.querySelector(".errorlist, .errors");
    });
    show(withError >= 0 ? withError : 0);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
