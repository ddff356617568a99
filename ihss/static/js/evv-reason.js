// The week page's "Why did you change the check-in or check-out?" field, on a day with
// EVV visits: shown once the start time, end time or location differ both from what the
// page showed and from what the check-in and check-out say (the only case that needs a
// reason), and always when it has a reason or an error. Without JavaScript the field is
// always shown; the server decides either way.
(function () {
  "use strict";
  var groups = document.querySelectorAll(".timesheet-day__reason[data-evv-start]");
  Array.prototype.forEach.call(groups, function (group) {
    var day = group.closest("fieldset");
    var prefix = group.getAttribute("data-prefix");
    var reason = group.querySelector("textarea");
    var fields = ["start", "end", "location"].map(function (name) {
      return day.querySelector("[name='" + prefix + "-" + name + "']");
    });
    if (!day || !reason || fields.indexOf(null) !== -1) {
      return;
    }
    var said = [
      group.getAttribute("data-evv-start"),
      group.getAttribute("data-evv-end"),
      group.getAttribute("data-evv-location"),
    ];
    function shown(field) {
      if (field.tagName === "SELECT") {
        var first = Array.prototype.find.call(field.options, function (o) {
          return o.defaultSelected;
        });
        return first ? first.value : "";
      }
      return field.defaultValue;
    }
    var initial = fields.map(shown);
    var kept = reason.value.trim() !== "" || group.classList.contains("usa-form-group--error");
    function update() {
      var now = fields.map(function (field) { return field.value; });
      var changed = now.join("|") !== initial.join("|") && now.join("|") !== said.join("|");
      group.hidden = !(kept || changed || reason.value.trim() !== "");
    }
    day.addEventListener("input", update);
    day.addEventListener("change", update);
    update();
  });
})();
