// allauth's WebAuthn script only logs a failed or cancelled ceremony to the
// console (event "allauth.error"). Show the page's French alert instead, so
// the person knows the key was not used and can try again or use a code.
(function () {
  document.addEventListener('allauth.error', function (event) {
    const alert = document.getElementById('webauthn-error')
    if (!alert) {
      return
    }
    event.preventDefault()
    alert.hidden = false
  })
})()
