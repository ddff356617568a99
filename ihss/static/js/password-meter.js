// The password strength meter (includes/password_meter.html).
// While the person types a new password, ask the server's own password rules, at most
// one request at a time and only after a pause in typing, and say what they answer:
// the strength in words (read politely by screen readers) and a bar. The password goes
// only in the body of a POST with the page's CSRF token, never in an address.
// Without JavaScript the guidance under the label says the same rules.
(function () {
  "use strict";
  var PAUSE = 400; // milliseconds without typing before asking

  function bind(meter) {
    if (meter.dataset.bound) { return; }
    meter.dataset.bound = "yes";
    var input = document.getElementById(meter.dataset.passwordMeter);
    var form = input && input.form;
    if (!form) { return; }
    var bar = meter.querySelector(".portal-password-meter__bar");
    var status = meter.querySelector(".portal-password-meter__status");
    var timer = null;
    var pending = null;
    var asked = null;
    var resting = false;

    function field(name) {
      var element = form.elements.namedItem(name);
      return element && element.value ? element.value : "";
    }

    function show(level, label, messages) {
      bar.dataset.level = level;
      bar.hidden = level === "empty";
      status.textContent = "";
      if (level === "empty") { return; }
      var strength = document.createElement("p");
      strength.className = "portal-password-meter__label";
      strength.textContent = label;
      status.appendChild(strength);
      if (messages.length) {
        var list = document.createElement("ul");
        list.className = "usa-list portal-password-meter__reasons";
        messages.forEach(function (message) {
          var item = document.createElement("li");
          item.textContent = message;
          list.appendChild(item);
        });
        status.appendChild(list);
      }
    }

    function ask() {
      var password = input.value;
      if (password === asked) { return; }
      asked = password;
      if (!password) { show("empty", "", []); return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var body = new FormData();
      body.append("csrfmiddlewaretoken", field("csrfmiddlewaretoken"));
      body.append("password", password);
      body.append("username", field("username"));
      body.append("email", field("email"));
      fetch(meter.dataset.checkUrl, {
        method: "POST",
        body: body,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        signal: pending.signal,
      }).then(function (response) {
        if (response.status === 429) {
          resting = true;
          bar.hidden = true;
          status.textContent = meter.dataset.restText;
          return null;
        }
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (answer && input.value === password) {
          show(answer.level, answer.label, answer.messages || []);
        }
      }).catch(function () { /* aborted or offline: the guidance still stands */ });
    }

    input.addEventListener("input", function () {
      if (resting) { return; }
      clearTimeout(timer);
      if (!input.value) { ask(); return; }
      timer = setTimeout(ask, PAUSE);
    });
  }

  document.querySelectorAll("[data-password-meter]").forEach(bind);
})();
