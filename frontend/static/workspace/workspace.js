/*
 * workspace.js: live updates for the staff workspace (issue 6 part 2). Needs
 * frontend/live.js loaded first: the websocket client (reconnect with back-off, refusal)
 * is live.js's window.CaseLive.socket, one client for the portal and the workspace.
 *
 * 1. The queue. <p data-live-queue="3,7" data-live-connected="…" …><span data-live-status>
 *    opens ws/queue/<organization id>/ for each organization (notifications app) and, for
 *    every event or deadline reminder, calls htmx.trigger(document.body, "queue-event",
 *    record): the list
 *    (hx-trigger="queue-event from:body delay:500ms") re-fetches itself once the burst is
 *    over. Queue channels have no replay, so after a reconnect the list is re-fetched too.
 *    Drops are retried with exponential back-off (1 s doubling to 30 s, with jitter); a
 *    refusal (close code 4403) is not retried.
 * 2. The case page. frontend/live.js delivers the case's events; here, an event newer than
 *    the page's actions (data-rendered-seq on #case-actions) shows the "this case changed,
 *    reload" notice, because forms being filled in are never replaced under the user.
 */
(function () {
  "use strict";

  function refetch(record) {
    if (window.htmx) window.htmx.trigger(document.body, "queue-event", record || {});
  }

  function watchQueue(root, organizationId) {
    var live = window.CaseLive;
    return live.socket({
      url: function () { return live.wsUrl("/ws/queue/" + organizationId + "/"); },
      onstatus: function (key) { live.setStatus(root, key); },
      onopen: function (reconnected) {
        if (reconnected) refetch(null); // whatever happened while disconnected
      },
      onmessage: function (data) {
        // A case changed, or one of its deadlines came near or ran out (a reminder).
        if (data.type === "event" || data.type === "reminder") refetch(data);
      }
    });
  }

  function startQueues() {
    if (!window.CaseLive || !window.CaseLive.socket) return; // live.js not loaded
    var roots = document.querySelectorAll("[data-live-queue]");
    for (var i = 0; i < roots.length; i++) {
      var ids = (roots[i].getAttribute("data-live-queue") || "").split(",");
      for (var j = 0; j < ids.length; j++) {
        var id = parseInt(ids[j], 10);
        if (id > 0) watchQueue(roots[i], id);
      }
    }
  }

  function startCase() {
    var actions = document.getElementById("case-actions");
    var notice = document.getElementById("case-updated");
    if (!actions || !notice) return;
    var rendered = parseInt(actions.getAttribute("data-rendered-seq") || "0", 10) || 0;
    document.body.addEventListener("case:event", function (event) {
      var record = event.detail || {};
      if (typeof record.seq !== "number" || record.seq <= rendered) return;
      var label = notice.querySelector("[data-update-label]");
      if (label) label.textContent = record.label || "";
      notice.hidden = false;
    });
  }

  function start() {
    startQueues();
    startCase();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
