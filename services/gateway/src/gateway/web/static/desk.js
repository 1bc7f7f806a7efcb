// Keeps an event's desk page current: polls the page's live data every few seconds and, when
// the counts or the participants changed, swaps in the new parts.  Only the counts are an
// aria-live region (announced politely); the table changes silently, and keyboard focus on a
// button in it stays where it was.  Without JavaScript the page has an "Aktualisieren" link.
(function () {
  "use strict";

  var counts = document.getElementById("desk-counts");
  var participants = document.getElementById("desk-participants");
  if (!counts || !participants || !counts.dataset.liveUrl) {
    return;
  }
  var url = counts.dataset.liveUrl;
  var interval = parseInt(counts.dataset.liveInterval || "", 10) || 5000;

  function text(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content.textContent.replace(/\s+/g, " ").trim();
  }

  function current(element) {
    return element.textContent.replace(/\s+/g, " ").trim();
  }

  function swap(element, html) {
    if (typeof html !== "string" || text(html) === current(element)) {
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

  function schedule() {
    window.setTimeout(poll, interval);
  }

  function poll() {
    if (document.hidden) {
      schedule();
      return;
    }
    fetch(url, { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
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
          swap(participants, body.participants_html);
        }
        schedule();
      })
      .catch(schedule);
  }

  schedule();
})();
