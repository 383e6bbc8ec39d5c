// Filters for the stance matrix and the statement list. The pages are
// complete without this script: it only shows the forms and hides rows,
// columns or items that do not match.
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

  // Statements: dates are ISO text, so they compare as strings; an empty
  // start or end is an open date, which any day on that side may match.
  function statementMatches(d, f) {
    if (f.speaker && d.speaker !== f.speaker) { return false; }
    if (f.kind && d.kind !== f.kind) { return false; }
    if (f.claim && d.claims.split(" ").indexOf(f.claim) < 0) { return false; }
    if (f.from && d.end && d.end < f.from) { return false; }
    if (f.to && d.start && d.start > f.to) { return false; }
    return true;
  }

  function filterStatements(form) {
    var f = values(form), shown = 0, all = 0;
    each(document, "#statement-list > li", function (li) {
      var ok = statementMatches(li.dataset, f);
      li.hidden = !ok;
      all += 1;
      if (ok) { shown += 1; }
    });
    document.getElementById("statement-count").textContent = shown + " of " + all + " statements shown";
  }

  function filterMatrix(form) {
    var f = values(form), table = document.getElementById("matrix");
    each(table, "tbody", function (tb) { tb.hidden = Boolean(f.topic) && tb.dataset.topic !== f.topic; });
    each(table, "[data-actor-type]", function (cell) {
      cell.hidden = Boolean(f.actor_type) && cell.dataset.actorType !== f.actor_type;
    });
  }

  function wire(id, apply) {
    var form = document.getElementById(id);
    if (!form) { return; }
    form.hidden = false;
    form.addEventListener("input", function () { apply(form); });
    form.addEventListener("change", function () { apply(form); });
    // A reset changes the fields after its event: apply once it is done.
    form.addEventListener("reset", function () { window.setTimeout(function () { apply(form); }, 0); });
    apply(form);
  }

  wire("statement-filter", filterStatements);
  wire("matrix-filter", filterMatrix);
}());
