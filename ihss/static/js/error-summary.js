// The USWDS/GOV.UK error summary: when a form comes back refused, its summary at the top
// (#form-errors, which links to each field) takes the focus, so a screen reader reads it, a
// keyboard starts from it and a phone shows it. A link in it moves the focus to its field
// and scrolls the field's label (or the legend of its group) into view with it. Loaded on
// every page; without JavaScript the summary is still the first thing under the heading.
// A page refused with only a message (no form to show again) focuses that message instead.
(function () {
  "use strict";
  var summary = document.getElementById("form-errors");
  if (!summary) {
    summary = document.querySelector(".portal-main .usa-alert--error.usa-alert--slim[role='alert']");
    if (summary && !summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
  }
  if (!summary) {
    return;
  }
  summary.focus();
  summary.scrollIntoView({ block: "start" });

  function labelFor(input) {
    var group = input.closest("fieldset");
    var legend = group ? group.querySelector("legend") : null;
    if (input.type === "checkbox" || input.type === "radio") {
      if (legend && group.querySelectorAll("input").length > 1) {
        return legend;
      }
    }
    if (input.id) {
      var label = document.querySelector("label[for='" + input.id + "']");
      if (label) {
        return label;
      }
    }
    return legend || input;
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!input) {
      return;
    }
    event.preventDefault();
    labelFor(input).scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", link.getAttribute("href"));
    }
  });
})();
