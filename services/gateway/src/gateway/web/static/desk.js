// Keeps an event's desk page current without fetching the participant list again: every few
// seconds it asks the page's live data for the counts and how many registrations arrived
// since the newest one it shows (data-since; the counts per status it showed: data-seen).
// On the first page without search or filter the answer brings that page's table when
// something changed, and it is swapped in silently (keyboard focus on a button in it stays
// where it was); on any other page a short notice "3 neue Anmeldungen – anzeigen" appears in
// a polite aria-live region.  Only the counts and that notice are announced.  Without
// JavaScript the page has an "Aktualisieren" link.
(function () {
  "use strict";

  var counts = document.getElementById("desk-counts");
  var participants = document.getElementById("desk-participants");
  var notice = document.getElementById("desk-new");
  if (!counts || !participants || !counts.dataset.liveUrl) {
    return;
  }
  var interval = parseInt(counts.dataset.liveInterval || "", 10) || 5000;
  var since = counts.dataset.since || "";
  var seen = counts.dataset.seen || "";

  function text(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content.textContent.replace(/\s+/g, " ").trim();
  }

  function current(element) {
    return element.textContent.replace(/\s+/g, " ").trim();
  }

  function swap(element, html) {
    if (!element || typeof html !== "string" || text(html) === current(element)) {
      return;
    }
    var focused = document.activeElement;
    var focusedId = focused && element.contains(focused) ? focused.id : "";
    element.innerHTML = html;
    if (focusedId) {
      var again = document.getElementById(focusedId);
      if (again) {
        again.focus();
      }
    }
  }

  function liveUrl() {
    var url = new URL(counts.dataset.liveUrl, window.location.href);
    url.searchParams.set("seit", since);
    url.searchParams.set("zahlen", seen);
    return url.toString();
  }

  function schedule() {
    window.setTimeout(poll, interval);
  }

  function poll() {
    if (document.hidden) {
      schedule();
      return;
    }
    fetch(liveUrl(), { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          window.location.reload();
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body) {
          swap(counts, body.counts_html);
          if (typeof body.participants_html === "string") {
            swap(participants, body.participants_html);
            since = body.since || since;
            seen = body.seen || seen;
          }
          swap(notice, body.notice_html);
        }
        schedule();
      })
      .catch(schedule);
  }

  schedule();
})();
