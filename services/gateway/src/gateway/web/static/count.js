// The count below a text area with a length limit (data-count-max; _fields.html textarea
// with `count`): while typing, the visible line below the field says how many characters
// are left or how many are too many. Screen readers hear it sparingly: only after a pause in
// typing, only close to the limit (the last tenth) or beyond it, and never the same words
// twice in a row, through a polite live region. It counts as the server does: line breaks
// as one character, the text trimmed, characters rather than UTF-16 units. Without script
// the field's hint names the limit and the server refuses a longer text. Every text comes
// from the page (the server translates it), none is written here.
(function () {
  "use strict";

  var PAUSE_MS = 1500;

  function length(value) {
    return Array.from(value.replace(/\r\n?/g, "\n").trim()).length;
  }

  function describe(area) {
    var max = parseInt(area.dataset.countMax || "", 10);
    var left = max - length(area.value);
    var over = left < 0;
    var n = Math.abs(left);
    var key = (over ? "countOver" : "countLeft") + (n === 1 ? "One" : "Other");
    return {
      text: (area.dataset[key] || "").replace("{n}", String(n)),
      over: over,
      close: over || left <= max / 10,
    };
  }

  function watch(area) {
    var shown = document.getElementById(area.id + "-count");
    var status = document.getElementById(area.id + "-count-status");
    if (!shown || !status || !(parseInt(area.dataset.countMax || "", 10) > 0)) {
      return;
    }
    var timer = null;
    var announced = "";

    function show() {
      var count = describe(area);
      shown.textContent = count.text;
      shown.classList.toggle("count-over", count.over);
      shown.hidden = false;
      return count;
    }

    function announce() {
      var count = show();
      if (count.close && count.text !== announced) {
        status.textContent = count.text;
        announced = count.text;
      }
    }

    area.addEventListener("input", function () {
      show();
      window.clearTimeout(timer);
      timer = window.setTimeout(announce, PAUSE_MS);
    });
    show();
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-count-max]"), watch);
})();
