// Warns before leaving a form with changes that are not saved (forms marked data-warn-unsaved). Progressive
// enhancement: without JavaScript the form works the same, only without the warning. A static file, not inline
// script, so the Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  var forms = document.querySelectorAll("form[data-warn-unsaved]");
  if (!forms.length) return;
  var dirty = false;
  var leaving = false;
  forms.forEach(function (form) {
    var mark = function () { dirty = true; form.setAttribute("data-dirty", "true"); };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    // Sending the form saves everything it holds: no warning for that.
    form.addEventListener("submit", function () { leaving = true; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty || leaving) return;
    event.preventDefault();
    // Browsers show their own wording; older ones want returnValue set.
    event.returnValue = forms[0].getAttribute("data-warn-unsaved") || "";
    return event.returnValue;
  });
  // Back from the browser's page cache: the page shows what was saved, so start clean.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { leaving = false; }
  });
})();
