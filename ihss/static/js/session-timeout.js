// Warn before an idle sign-out, and let the person stay signed in.
// The server signs a session out after SESSION_COOKIE_AGE seconds without a request;
// this page shows the warning `warning` seconds before that, and "Stay signed in"
// makes one request that renews the session. Without JavaScript the same button is
// a plain form that does the same.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) { return; }
  var idle = parseInt(box.dataset.idleSeconds, 10) * 1000;
  var warning = parseInt(box.dataset.warningSeconds, 10) * 1000;
  var form = box.querySelector("form");
  var timers = [];

  function schedule() {
    timers.forEach(clearTimeout);
    timers = [
      setTimeout(show, Math.max(0, idle - warning)),
      setTimeout(function () { window.location.assign(box.dataset.signInUrl); }, idle),
    ];
  }
  function show() {
    box.hidden = false;
    box.querySelector("button").focus();
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.ok) {
        box.hidden = true;
        schedule();
      } else {
        window.location.assign(box.dataset.signInUrl);
      }
    });
  });
  schedule();
})();
