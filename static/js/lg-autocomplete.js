// Local-government autocomplete: fills the <datalist> of every input[data-lg-autocomplete] from the JSON endpoint
// (/geo/local-governments/?q=…), so a person can type 高松 or Takamatsu and pick 「香川県 高松市 372013」.
// Without JavaScript the field still accepts a name or a code; the server resolves it (portal/geo/forms.py).
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null, last = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q === last || q.length < 1 || /\d{6}$/.test(q)) return;
      last = q;
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = input.getAttribute("data-lg-autocomplete") + "?limit=10&q=" + encodeURIComponent(q);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            while (list.firstChild) list.removeChild(list.firstChild);
            (data.results || []).forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.name + " " + item.code;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the field still accepts what was typed */ });
      }, 150);
    });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-lg-autocomplete]"), attach);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
