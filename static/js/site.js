// Disclosure buttons (the header's menu on phones, the catalogue's filters): a <button aria-expanded aria-controls>
// that shows or hides the element it controls. Loaded as a static file right after the header (the CSP allows no
// inline script). It marks <html> with "js" at once, so the stylesheet folds the panels before the first paint;
// without script the buttons stay hidden and every panel stays open. Escape closes an open panel and returns focus.
(function () {
  var root = document.documentElement;
  root.classList.add("js");

  function setUp(button) {
    if (button.dataset.ready) return;
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    button.dataset.ready = "1";
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-open", open);
    }
    show(false);
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
    button.addEventListener("keydown", function (event) {
      if (event.key === "Escape") show(false);
    });
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-disclosure]"), setUp);
  }

  setUpAll();  // the header's menu button, which is already parsed
  document.addEventListener("DOMContentLoaded", setUpAll);
})();
