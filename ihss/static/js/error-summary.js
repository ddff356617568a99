// The USWDS error summary: when a form comes back with errors, its summary at the top
// (#form-errors, which links to each field) takes the focus, so a screen reader reads it
// and a keyboard starts from it.
(function () {
  "use strict";
  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
})();
