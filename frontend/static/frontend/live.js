/*
 * live.js: one case's live events over the websocket ws/cases/<id>/ (notifications app).
 *
 * Use (issue 6 part 2 and the status page):
 *   <div data-live-case="{{ dispute.pk }}" data-live-after="{{ dispute.event_seq }}"
 *        data-live-token="{{ status_token }}"           (optional; anonymous status page)
 *        data-live-connected="{% translate '实时更新已连接' %}"   (optional status texts)
 *        data-live-reconnecting="{% translate '连接中断，正在重新连接…' %}"
 *        data-live-refused="{% translate '无法接收实时更新，请刷新页面' %}">
 *     <span data-live-status class="live-status" aria-live="polite"></span>
 *   </div>
 *   <script src="{% static 'frontend/live.js' %}" defer></script>
 *
 * data-live-after is the case's sequence number the page was rendered at, so any event
 * that happened between rendering and connecting is replayed (`?after=<seq>`).
 * For every new event (each sequence number once, in order) it:
 *   1. dispatches a DOM event `case:event` on document.body, detail = the event record
 *      ({id, dispute, tracking_number, seq, kind, label, state, state_label, occurred_on});
 *   2. calls htmx.trigger(document.body, "case-event", record), so any element with
 *      hx-get="..." hx-trigger="case-event from:body delay:200ms" re-fetches its fragment
 *      (the delay folds a burst of replayed events into one request).
 * When the server has finished a replay (after each (re)connect) it also dispatches
 * `case:replayed` with {last_seq}. Connection drops are retried with exponential back-off
 * (1 s doubling to 30 s, with jitter), resuming after the last sequence number seen; a
 * refusal (close code 4403: no access, or the token expired) is not retried.
 * Elements present when the page loads connect by themselves (do not connect them again);
 * call window.CaseLive.connect(element) yourself for elements added later; it returns an
 * object with close().
 *
 * window.CaseLive.socket(options) is the reconnecting websocket itself, shared with
 * workspace.js (the queue channels): options.url() gives the address for each (re)connect,
 * options.onmessage(data) gets each parsed JSON message, options.onopen(reconnected) runs
 * on every connection (reconnected: true after a drop), options.onstatus(key) gets
 * "connected", "reconnecting" or "refused". Same back-off and refusal rule as above; a
 * phone that wakes up or comes back online retries at once. Returns {close()}.
 */
(function () {
  "use strict";

  var REFUSED = 4403;
  var MIN_DELAY_MS = 1000;
  var MAX_DELAY_MS = 30000;

  function setStatus(root, key) {
    var el = root.querySelector("[data-live-status]");
    if (!el) return;
    var text = root.getAttribute("data-live-" + key);
    if (text !== null) el.textContent = text;
    el.setAttribute("data-state", key);
  }

  function wsUrl(path) {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + path;
  }

  // One reconnecting websocket: exponential back-off with jitter, no retry after 4403.
  function socket(options) {
    var delay = MIN_DELAY_MS;
    var ws = null;
    var timer = null;
    var stopped = false;
    var dropped = false;

    function status(key) { if (options.onstatus) options.onstatus(key); }

    function open() {
      timer = null;
      ws = new WebSocket(options.url());
      ws.onopen = function () {
        delay = MIN_DELAY_MS;
        status("connected");
        if (options.onopen) options.onopen(dropped);
        dropped = false;
      };
      ws.onmessage = function (message) {
        var data;
        try { data = JSON.parse(message.data); } catch (e) { return; }
        if (options.onmessage) options.onmessage(data);
      };
      ws.onclose = function (event) {
        ws = null;
        if (stopped) return;
        if (event.code === REFUSED) { status("refused"); return; }
        dropped = true;
        status("reconnecting");
        var wait = Math.min(delay, MAX_DELAY_MS);
        wait = wait / 2 + Math.random() * wait / 2;
        delay = Math.min(delay * 2, MAX_DELAY_MS);
        timer = window.setTimeout(open, wait);
      };
    }

    // A phone that wakes up or comes back online should not wait out the back-off.
    function retryNow() {
      if (stopped || ws || timer === null) return;
      window.clearTimeout(timer);
      delay = MIN_DELAY_MS;
      open();
    }
    window.addEventListener("online", retryNow);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") retryNow();
    });

    open();
    return {
      close: function () {
        stopped = true;
        if (timer !== null) window.clearTimeout(timer);
        if (ws) ws.close();
      }
    };
  }

  function deliver(record) {
    document.body.dispatchEvent(new CustomEvent("case:event", { detail: record, bubbles: true }));
    if (window.htmx) window.htmx.trigger(document.body, "case-event", record);
  }

  function connect(root) {
    var caseId = parseInt(root.getAttribute("data-live-case"), 10);
    var token = root.getAttribute("data-live-token") || "";
    var lastSeq = parseInt(root.getAttribute("data-live-after") || "0", 10) || 0;

    var client = socket({
      url: function () {
        var query = "?after=" + lastSeq + (token ? "&token=" + encodeURIComponent(token) : "");
        return wsUrl("/ws/cases/" + caseId + "/" + query);
      },
      onstatus: function (key) { setStatus(root, key); },
      onmessage: function (data) {
        if (data.type === "event") {
          if (typeof data.seq !== "number" || data.seq <= lastSeq) return; // already seen
          lastSeq = data.seq;
          root.setAttribute("data-live-after", String(lastSeq));
          deliver(data);
        } else if (data.type === "replayed") {
          document.body.dispatchEvent(new CustomEvent("case:replayed", {
            detail: { last_seq: lastSeq }, bubbles: true }));
        }
      }
    });
    return {
      close: client.close,
      lastSeq: function () { return lastSeq; }
    };
  }

  window.CaseLive = { connect: connect, socket: socket, wsUrl: wsUrl, setStatus: setStatus };

  function start() {
    var roots = document.querySelectorAll("[data-live-case]");
    for (var i = 0; i < roots.length; i++) connect(roots[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
