// Notebridge: progressive enhancement only. Every page works without this file.
"use strict";
(function () {
  // Masonry: balanced columns; new cards go to the shortest column, so nothing jumps.
  function masonry(grid) {
    var cards = Array.prototype.slice.call(grid.querySelectorAll(".card"));
    var n = window.innerWidth >= 1100 ? 4 : window.innerWidth >= 700 ? 3 : 2;
    grid.classList.add("cols");
    grid.textContent = "";
    for (var i = 0; i < n; i++) {
      var col = document.createElement("div");
      col.className = "col";
      grid.appendChild(col);
    }
    cards.forEach(function (c) { place(grid, c); });
  }
  function place(grid, card) {
    var cols = grid.querySelectorAll(".col"), best = cols[0];
    for (var i = 1; i < cols.length; i++) if (cols[i].offsetHeight < best.offsetHeight) best = cols[i];
    best.appendChild(card);
  }

  // Endless scroll: when the "more" link comes near, fetch the next cards and add them.
  function endless(grid) {
    var link = document.querySelector("[data-more]");
    if (!link || !("IntersectionObserver" in window)) return;
    var busy = false;
    var io = new IntersectionObserver(function (entries) {
      if (!entries[0].isIntersecting || busy) return;
      busy = true;
      var href = link.getAttribute("href");
      fetch(href + (href.indexOf("?") < 0 ? "?" : "&") + "partial=1", { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          doc.querySelectorAll(".card").forEach(function (c) { place(grid, document.adoptNode(c)); });
          var next = doc.querySelector("[data-more]");
          if (next) { link.setAttribute("href", next.getAttribute("href")); busy = false; }
          else { io.disconnect(); link.remove(); }
        })
        .catch(function () { busy = false; io.disconnect(); });
    }, { rootMargin: "800px" });
    io.observe(link);
  }

  // Photo carousel: arrows, keys and dots; swiping is the browser's scroll snapping.
  function carousel(box) {
    var slides = box.querySelector("[data-slides]");
    var dots = box.querySelectorAll(".dots span");
    function index() { return Math.round(slides.scrollLeft / slides.clientWidth); }
    function go(i) {
      var n = slides.children.length;
      i = Math.max(0, Math.min(n - 1, i));
      slides.scrollTo({ left: i * slides.clientWidth, behavior: "smooth" });
    }
    var prev = box.querySelector("[data-prev]"), next = box.querySelector("[data-next]");
    if (prev) prev.addEventListener("click", function () { go(index() - 1); });
    if (next) next.addEventListener("click", function () { go(index() + 1); });
    box.addEventListener("keydown", function (e) {
      if (e.key === "ArrowLeft") { go(index() - 1); e.preventDefault(); }
      if (e.key === "ArrowRight") { go(index() + 1); e.preventDefault(); }
    });
    slides.addEventListener("scroll", function () {
      var i = index();
      dots.forEach(function (d, k) { d.classList.toggle("on", k === i); });
    }, { passive: true });
  }

  // Reply to a comment: the form names whom, and the reply goes under its thread.
  function replies() {
    var form = document.getElementById("reply-form");
    if (!form) return;
    var target = form.querySelector("[data-reply-to]"), note = form.querySelector("[data-replying]");
    document.querySelectorAll("[data-reply]").forEach(function (b) {
      b.addEventListener("click", function () {
        target.value = b.getAttribute("data-reply");
        note.querySelector("[data-replying-to]").textContent = b.getAttribute("data-reply-name");
        note.hidden = false;
        form.querySelector("textarea").focus();
      });
    });
    var cancel = form.querySelector("[data-cancel-reply]");
    if (cancel) cancel.addEventListener("click", function () { target.value = ""; note.hidden = true; });
  }

  // Composer: check photos before sending, preview them, reorder and remove them.
  function composer(form) {
    var input = form.querySelector("[data-photos]");
    var list = form.querySelector("[data-previews]");
    var tpl = form.querySelector("[data-preview-template]");
    var error = form.querySelector("[data-photo-error]");
    var max = +form.getAttribute("data-max"), maxBytes = +form.getAttribute("data-max-mb") * 1048576;
    var files = [];
    function sync() {
      var dt = new DataTransfer();
      files.forEach(function (f) { dt.items.add(f.file); });
      input.files = dt.files;
      list.textContent = "";
      files.forEach(function (f, i) {
        var li = tpl.content.firstElementChild.cloneNode(true);
        li.querySelector("img").src = f.url;
        var alt = li.querySelector("input");
        alt.value = f.alt;
        alt.addEventListener("input", function () { f.alt = alt.value; });
        li.querySelector("[data-left]").addEventListener("click", function () { move(i, -1); });
        li.querySelector("[data-right]").addEventListener("click", function () { move(i, 1); });
        li.querySelector("[data-remove]").addEventListener("click", function () {
          URL.revokeObjectURL(f.url); files.splice(i, 1); sync();
        });
        list.appendChild(li);
      });
    }
    function move(i, d) {
      var j = i + d;
      if (j < 0 || j >= files.length) return;
      var t = files[i]; files[i] = files[j]; files[j] = t; sync();
    }
    function say(key, arg) {
      var text = form.getAttribute("data-" + key) || "";
      error.textContent = text.replace("{n}", arg || "");
      error.hidden = !text;
    }
    input.addEventListener("change", function () {
      say("");
      var added = Array.prototype.slice.call(input.files);
      // The input holds what was chosen last; the list keeps what came before.
      var fresh = added.filter(function (f) { return !files.some(function (g) { return g.file === f; }); });
      for (var k = 0; k < fresh.length; k++) {
        var f = fresh[k];
        if (files.length >= max) { say("error-too-many", max); break; }
        if (!/^image\//.test(f.type)) { say("error-not-image", f.name); continue; }
        if (f.size > maxBytes) { say("error-too-large", f.name); continue; }
        files.push({ file: f, url: URL.createObjectURL(f), alt: "" });
      }
      sync();
    });
  }

  // Likes without a page load: post the form in the background and flip the button at once.
  function toggles() {
    document.querySelectorAll("form[data-toggle]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        var button = form.querySelector("button[name=action]");
        if (!button || !window.fetch) return;
        e.preventDefault();
        var data = new URLSearchParams(new FormData(form));
        data.set("action", button.value);
        fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
          .then(function (r) {
            if (r.type !== "opaqueredirect" && !r.ok) { form.submit(); return; }
            var on = button.value === "like";
            button.value = on ? "unlike" : "like";
            button.classList.toggle("on", on);
            button.setAttribute("aria-pressed", on ? "true" : "false");
            var count = button.querySelector("[data-count]");
            if (count && /^\d+$/.test(count.textContent)) count.textContent = String(+count.textContent + (on ? 1 : -1));
          })
          .catch(function () { form.submit(); });
      });
    });
  }

  // Deleting asks first.
  function confirms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    toggles();
    confirms();
    var grid = document.querySelector("[data-grid]");
    if (grid) { masonry(grid); endless(grid); }
    document.querySelectorAll("[data-carousel]").forEach(carousel);
    replies();
    var compose = document.querySelector("[data-compose]");
    if (compose && window.DataTransfer) composer(compose);
  });
})();
