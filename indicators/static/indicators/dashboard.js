/*
 * dashboard.js: live refresh of the supervision dashboard (indicators app).
 *
 * <div data-dashboard data-refresh-url="/supervision/?fragment=1" data-live-sockets="/ws/dashboard/"
 *      data-live-connected=".." data-live-reconnecting=".." data-live-updated="..">
 *   <p data-live-status></p>
 *   <div id="dashboard-body">...</div>
 * </div>
 *
 * It listens on each websocket named in data-live-sockets (ws/dashboard/ for supervisors,
 * ws/queue/<organization id>/ for organization staff). Messages carry no figures, only
 * "something happened": on an event, and after every reconnect (events may have been
 * missed), it re-fetches the server-rendered body (figures, SVG charts, tables) and swaps
 * it in. Events arriving together cause one fetch (1.5 s quiet period). Dropped connections
 * are retried with back-off (1 s doubling to 30 s, with jitter); a refusal (close code 4403)
 * is not retried. No library: the page must work on an offline intranet.
 */
(function () {
  "use strict";

  var REFUSED = 4403;
  var QUIET_MS = 1500;
  var root = document.querySelector("[data-dashboard]");
  if (!root) return;
  var refreshUrl = root.getAttribute("data-refresh-url");
  var paths = (root.getAttribute("data-live-sockets") || "").split(" ").filter(Boolean);
  var timer = null;
  var busy = false;
  var again = false;

  function status(key) {
    var el = root.querySelector("[data-live-status]");
    var text = root.getAttribute("data-live-" + key);
    if (el && text !== null) {
      el.textContent = text;
      el.setAttribute("data-state", key);
    }
  }

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(refreshUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var body = document.getElementById("dashboard-body");
        if (body) body.outerHTML = html;
        status("updated");
      })
      .catch(function () { /* the next event or reconnect tries again */ })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(function () {
      timer = null;
      refresh();
    }, QUIET_MS);
  }

  function listen(path) {
    var delay = 1000;
    var opened = false;
    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      var socket = new WebSocket(scheme + "//" + window.location.host + path);
      socket.onopen = function () {
        delay = 1000;
        status("connected");
        if (opened) schedule(); // reconnected: events may have been missed
        opened = true;
      };
      socket.onmessage = function (message) {
        try {
          if (JSON.parse(message.data).type === "event") schedule();
        } catch (e) { /* not ours */ }
      };
      socket.onclose = function (event) {
        if (event.code === REFUSED) return;
        status("reconnecting");
        setTimeout(connect, delay + Math.random() * 500);
        delay = Math.min(delay * 2, 30000);
      };
    }
    connect();
  }

  paths.forEach(listen);
})();
