// "Copy the token" on the page that shows a new personal access token once.
// Without JavaScript (or clipboard access) the button stays hidden and the person
// selects the text in the field and copies it themselves.
(function () {
  "use strict";
  var field = document.getElementById("token-text");
  var button = document.getElementById("copy-token");
  var status = document.getElementById("copy-token-status");
  if (!field || !button || !navigator.clipboard) { return; }
  button.hidden = false;
  field.addEventListener("focus", function () { field.select(); });
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      status.textContent = button.dataset.copied;
    });
  });
})();
