/* The application form's two conveniences; the form works without them.
   1. "用我现在的位置查找": the browser's location fills the hidden fields and the list of
      mediation points is fetched again (htmx listens for `located` on body).
   2. A suggested employer, clicked, fills the name and credit code fields. */
(function () {
  "use strict";
  var script = document.currentScript;
  function text(key) { return script ? script.getAttribute("data-" + key) || "" : ""; }

  function start() {
    var button = document.getElementById("use-location");
    var status = document.getElementById("location-status");
    if (button && navigator.geolocation) {
      button.hidden = false;
      button.addEventListener("click", function () {
        status.textContent = text("locating");
        navigator.geolocation.getCurrentPosition(function (position) {
          document.getElementById("id_where-latitude").value = position.coords.latitude.toFixed(6);
          document.getElementById("id_where-longitude").value = position.coords.longitude.toFixed(6);
          document.getElementById("id_where-street").value = "";
          status.textContent = text("located");
          document.body.dispatchEvent(new CustomEvent("located"));
        }, function () {
          status.textContent = text("failed");
        }, { timeout: 10000, maximumAge: 600000 });
      });
    }
    document.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-employer-code]") : null;
      if (!target) return;
      document.getElementById("id_employer-name").value = target.getAttribute("data-employer-name");
      document.getElementById("id_employer-credit_code").value = target.getAttribute("data-employer-code");
      document.getElementById("id_employer-credit_code").focus();
    });
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
