// The registration form's check that a person is sending it. When the client address is
// beyond its budget, the gateway answers the form with a challenge in ALTCHA's format
// (site/templates/_challenge.html, data-challenge): find the number n between 0 and
// maxnumber for which SHA-256 of salt + n is the challenge, then put the solution (base64
// JSON {algorithm, challenge, number, salt, signature}) into the hidden field "altcha".
//
// The button starts it; sending the form before that starts it too and sends the form once
// solved. Progress and result go to the form's aria-live region; after success the focus
// moves to the form's submit button. The work runs in a Web Worker (this same file, so the
// page stays responsive), or in slices on the page where no worker can start. SHA-256 is
// our own: crypto.subtle exists only in secure contexts, and answering each of the many tiny
// hashes with a promise makes it about ten times slower. Every text shown comes from the
// page (the server translates it).
(function () {
  "use strict";

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
  ];
  var SLICE = 25000;

  // SHA-256 of the first `length` bytes of `bytes` (which has room for the padding), as
  // eight unsigned 32-bit words.
  function sha256(bytes, length, words, out) {
    var blocks = ((length + 8) >> 6) + 1;
    var end = blocks * 64;
    var bits = length * 8;
    var i;
    bytes[length] = 0x80;
    for (i = length + 1; i < end; i++) {
      bytes[i] = 0;
    }
    bytes[end - 4] = (bits >>> 24) & 255;
    bytes[end - 3] = (bits >>> 16) & 255;
    bytes[end - 2] = (bits >>> 8) & 255;
    bytes[end - 1] = bits & 255;
    out[0] = 0x6a09e667;
    out[1] = 0xbb67ae85;
    out[2] = 0x3c6ef372;
    out[3] = 0xa54ff53a;
    out[4] = 0x510e527f;
    out[5] = 0x9b05688c;
    out[6] = 0x1f83d9ab;
    out[7] = 0x5be0cd19;
    for (var offset = 0; offset < end; offset += 64) {
      var t;
      for (t = 0; t < 16; t++) {
        var at = offset + 4 * t;
        words[t] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
      }
      for (t = 16; t < 64; t++) {
        var x = words[t - 15];
        var y = words[t - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        words[t] = (words[t - 16] + s0 + words[t - 7] + s1) | 0;
      }
      var a = out[0], b = out[1], c = out[2], d = out[3];
      var e = out[4], f = out[5], g = out[6], h = out[7];
      for (t = 0; t < 64; t++) {
        var sum1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (h + sum1 + ((e & f) ^ (~e & g)) + K[t] + words[t]) | 0;
        var sum0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (sum0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      out[0] += a;
      out[1] += b;
      out[2] += c;
      out[3] += d;
      out[4] += e;
      out[5] += f;
      out[6] += g;
      out[7] += h;
    }
    return out;
  }

  // A solver for one challenge: search(from, to) is the number in [from, to] whose hash is
  // the challenge, or -1.
  function Solver(task) {
    var salt = new TextEncoder().encode(task.salt);
    var bytes = new Uint8Array(salt.length + 96);
    var words = new Int32Array(64);
    var out = new Uint32Array(8);
    var target = new Uint32Array(8);
    for (var w = 0; w < 8; w++) {
      target[w] = parseInt(task.challenge.substr(w * 8, 8), 16) >>> 0;
    }
    bytes.set(salt);
    this.search = function (from, to) {
      for (var n = from; n <= to; n++) {
        var digits = String(n);
        var length = salt.length;
        for (var i = 0; i < digits.length; i++) {
          bytes[length++] = digits.charCodeAt(i);
        }
        sha256(bytes, length, words, out);
        if (out[0] === target[0] && out[1] === target[1] && out[2] === target[2] &&
            out[3] === target[3] && out[4] === target[4] && out[5] === target[5] &&
            out[6] === target[6] && out[7] === target[7]) {
          return n;
        }
      }
      return -1;
    };
  }

  if (typeof document === "undefined") {
    // In the worker: solve slice by slice, reporting how far it got.
    self.onmessage = function (message) {
      var task = message.data;
      var solver = new Solver(task);
      for (var from = 0; from <= task.maxnumber; from += SLICE) {
        var to = Math.min(from + SLICE - 1, task.maxnumber);
        var found = solver.search(from, to);
        if (found >= 0) {
          self.postMessage({ number: found });
          return;
        }
        self.postMessage({ tried: to + 1 });
      }
      self.postMessage({ number: -1 });
    };
    return;
  }

  var script = document.currentScript;
  var widget = document.querySelector("[data-pow]");
  var form = widget && widget.closest("form");
  if (!form) {
    return;
  }
  var task = JSON.parse(widget.dataset.challenge || "{}");
  var button = widget.querySelector("[data-pow-start]");
  var progress = widget.querySelector("[data-pow-progress]");
  var status = form.querySelector("[data-pow-status]");
  var field = form.querySelector("[data-pow-solution]");
  var state = "ready"; // "working", "solved"
  var sendWhenSolved = false;

  function say(text) {
    status.textContent = text;
  }

  function showProgress(tried) {
    progress.value = Math.min(99, Math.floor((tried / (task.maxnumber + 1)) * 100));
  }

  function solved(number) {
    if (number < 0) {
      state = "ready";
      sendWhenSolved = false;
      progress.hidden = true;
      button.removeAttribute("aria-disabled");
      say(widget.dataset.textFailed);
      return;
    }
    field.value = btoa(
      JSON.stringify({
        algorithm: task.algorithm,
        challenge: task.challenge,
        number: number,
        salt: task.salt,
        signature: task.signature,
      })
    );
    state = "solved";
    progress.value = 100;
    say(widget.dataset.textDone);
    if (sendWhenSolved) {
      form.submit();
      return;
    }
    var submit = form.querySelector("button[type=submit]");
    if (submit) {
      submit.focus();
    }
    button.disabled = true; // after the focus has moved on: a focused button must not vanish
  }

  function solveHere(from) {
    var solver = new Solver(task);
    (function slice(start) {
      var to = Math.min(start + SLICE - 1, task.maxnumber);
      var found = solver.search(start, to);
      if (found >= 0 || to >= task.maxnumber) {
        solved(found);
        return;
      }
      showProgress(to + 1);
      window.setTimeout(function () {
        slice(to + 1);
      }, 0);
    })(from);
  }

  function solveInWorker() {
    var worker;
    try {
      worker = new Worker(script.src);
    } catch (error) {
      solveHere(0);
      return;
    }
    worker.onmessage = function (message) {
      if (message.data.number === undefined) {
        showProgress(message.data.tried);
        return;
      }
      worker.terminate();
      solved(message.data.number);
    };
    worker.onerror = function (event) {
      event.preventDefault();
      worker.terminate();
      solveHere(0);
    };
    worker.postMessage(task);
  }

  function start() {
    if (state !== "ready") {
      return;
    }
    state = "working";
    button.setAttribute("aria-disabled", "true");
    progress.value = 0;
    progress.hidden = false;
    say(widget.dataset.textWorking);
    if (window.Worker && script && script.src) {
      solveInWorker();
    } else {
      solveHere(0);
    }
  }

  widget.hidden = false;
  button.addEventListener("click", start);
  form.addEventListener("submit", function (event) {
    if (state === "solved") {
      return;
    }
    event.preventDefault();
    sendWhenSolved = true;
    start();
  });
})();
