// Keeps the registration status page current while it can still change by itself: while
// pending (capacity decides within seconds), on the waiting list (the place moves up, a
// seat may come free) and while waiting for a better-ranked session of the programme.
// Polls the status; once the status, the waiting-list place or the places in the programme
// (``sessions_key``) change, swaps in the new status region (announced by screen readers
// through its aria-live) or reloads the page if that fails.  The new region says whether to
// go on polling.  Every text it shows comes from the page (the server translates it), none
// is written here.
(function () {
  "use strict";

  var region = document.getElementById("status-region");
  if (!region || !region.dataset.pollUrl) {
    return;
  }
  var deadline = Date.now() + 15 * 60 * 1000;
  var state = read(region);

  function read(element) {
    var interval = parseInt(element.dataset.pollInterval || "", 10);
    return {
      pollUrl: element.dataset.pollUrl || null,
      stoppedText: element.dataset.stoppedText || "",
      status: element.dataset.currentStatus || "",
      position: element.dataset.currentPosition || "",
      sessions: element.dataset.currentSessions || "",
      interval: interval > 0 ? interval : 1000,
    };
  }

  function changed(body) {
    if (!body || !body.status) {
      return false;
    }
    var position = body.waitlist_position === null || body.waitlist_position === undefined
      ? ""
      : String(body.waitlist_position);
    var sessions = body.sessions_key || "";
    return body.status !== state.status || position !== state.position ||
      sessions !== state.sessions;
  }

  function copyPollingAttributes(fresh) {
    var keys = [
      "pollUrl", "pollInterval", "currentStatus", "currentPosition", "currentSessions",
      "stoppedText",
    ];
    keys.forEach(function (key) {
      if (fresh.dataset[key] === undefined) {
        delete region.dataset[key];
      } else {
        region.dataset[key] = fresh.dataset[key];
      }
    });
  }

  function showNewStatus() {
    fetch(window.location.href, { cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status page answered " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("status-region");
        if (!fresh) {
          window.location.reload();
          return;
        }
        copyPollingAttributes(fresh);
        region.className = fresh.className;
        region.innerHTML = fresh.innerHTML;
        document.title = page.title;
        state = read(region);
        schedule();
      })
      .catch(function () {
        window.location.reload();
      });
  }

  function schedule() {
    if (!state.pollUrl) {
      return;
    }
    if (Date.now() <= deadline) {
      window.setTimeout(poll, state.interval);
    } else if (state.stoppedText) {
      var note = document.createElement("p");
      note.textContent = state.stoppedText;
      region.appendChild(note);
    }
  }

  function poll() {
    fetch(state.pollUrl, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (changed(body)) {
          showNewStatus();
        } else {
          schedule();
        }
      })
      .catch(schedule);
  }

  schedule();
})();
