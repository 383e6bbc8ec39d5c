// Filters and word search for the lists of claims, statements, actors and
// sources. The pages are complete without this script: it only shows the
// forms and hides the items that do not match. It works from file://, with
// no server: everything it reads is in the page.
(function () {
  "use strict";

  function values(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name) { out[el.name] = el.value; }
    });
    return out;
  }

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  // Every word typed must be in the item's text, in any case.
  function hasWords(el, q) {
    var text = el.textContent.toLowerCase();
    return q.toLowerCase().split(/\s+/).every(function (w) { return !w || text.indexOf(w) >= 0; });
  }

  // keys: form field -> data attribute holding the item's values, separated by spaces.
  function hasValues(data, f, keys) {
    return Object.keys(keys).every(function (field) {
      return !f[field] || (data[keys[field]] || "").split(" ").indexOf(f[field]) >= 0;
    });
  }

  // Statements: dates are ISO text, so they compare as strings; an empty
  // start or end is an open date, which any day on that side may match.
  function inDates(data, f) {
    if (f.from && data.end && data.end < f.from) { return false; }
    if (f.to && data.start && data.start > f.to) { return false; }
    return true;
  }

  function filterList(form, items, countId, noun, keys, extra) {
    var f = values(form), shown = 0, all = 0;
    each(document, items, function (li) {
      var ok = hasValues(li.dataset, f, keys) && hasWords(li, f.q || "") && (!extra || extra(li.dataset, f));
      li.hidden = !ok;
      all += 1;
      if (ok) { shown += 1; }
    });
    // A group whose items are all hidden is hidden with them.
    each(document, "main section", function (sec) {
      var list = sec.querySelectorAll(items);
      if (list.length) { sec.hidden = sec.querySelectorAll(items + ":not([hidden])").length === 0; }
    });
    document.getElementById(countId).textContent = shown + " of " + all + " " + noun + " shown";
  }

  function wire(id, apply) {
    var form = document.getElementById(id);
    if (!form) { return; }
    form.hidden = false;
    form.addEventListener("input", function () { apply(form); });
    form.addEventListener("change", function () { apply(form); });
    // A reset changes the fields after its event: apply once it is done.
    form.addEventListener("reset", function () { window.setTimeout(function () { apply(form); }, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply(form);
  }

  wire("claim-filter", function (form) {
    filterList(form, ".filterable > li", "claim-count", "claims", { party: "parties", country: "countries", status: "status" });
  });
  wire("statement-filter", function (form) {
    var keys = { speaker: "speaker", country: "country", stance: "stances", source: "sources", claim: "claims", kind: "kind" };
    filterList(form, "#statement-list > li", "statement-count", "statements", keys, inDates);
  });
  wire("actor-filter", function (form) {
    filterList(form, ".filterable > li", "actor-count", "actors", { country: "country", type: "type" });
  });
  wire("source-filter", function (form) {
    filterList(form, ".filterable > li", "source-count", "sources", { origin: "origin", held: "held" });
  });
}());
