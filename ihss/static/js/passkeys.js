// After a passkey is added (django-otp-webauthn's "register_complete" event), reload the
// second-factor page so the new passkey, and the recovery-code reminder, show.
document.addEventListener("otp_webauthn.register_complete", function (event) {
  var button = event.target && event.target.closest ? event.target.closest("[data-done-url]") : null;
  window.location.assign(button ? button.getAttribute("data-done-url") : window.location.href);
});
