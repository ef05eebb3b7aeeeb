// Reloads the page after the delay in the script tag's data-reload-after (milliseconds): used while a background
// job (a matching run) is still working. A static file, not inline script, so the CSP needs no 'unsafe-inline'.
(function () {
  var script = document.currentScript;
  var delay = parseInt((script && script.dataset.reloadAfter) || "2000", 10);
  setTimeout(function () { window.location.reload(); }, delay);
})();
