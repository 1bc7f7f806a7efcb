// Keeps the registration status page current while the decision is pending: polls the
// status every second and, once it changes, swaps in the new status region (announced by
// screen readers through its aria-live) or reloads the page if that fails.
(function () {
  "use strict";

  var region = document.getElementById("status-region");
  if (!region || !region.dataset.pollUrl) {
    return;
  }
  var pollUrl = region.dataset.pollUrl;
  var current = region.dataset.currentStatus;
  var interval = 1000;
  var deadline = Date.now() + 15 * 60 * 1000;

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
        region.removeAttribute("data-poll-url");
        region.removeAttribute("data-current-status");
        region.className = fresh.className;
        region.innerHTML = fresh.innerHTML;
        document.title = page.title;
      })
      .catch(function () {
        window.location.reload();
      });
  }

  function poll() {
    if (Date.now() > deadline) {
      return;
    }
    fetch(pollUrl, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body && body.status && body.status !== current) {
          showNewStatus();
        } else {
          window.setTimeout(poll, interval);
        }
      })
      .catch(function () {
        window.setTimeout(poll, interval);
      });
  }

  window.setTimeout(poll, interval);
})();
