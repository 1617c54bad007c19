// MikroNet Billing console: the little behaviour htmx attributes do not give.
// Loaded as a file (the pages' policy refuses inline scripts).
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-print]");
  if (t) { e.preventDefault(); window.print(); }
});
// A submitted form's buttons are disabled until the answer comes, so a double click sends
// once (the form's idempotency key covers what still gets through: a resubmission).
document.addEventListener("submit", function (e) {
  var f = e.target;
  setTimeout(function () {
    f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, 0);
});
document.addEventListener("htmx:afterRequest", function (e) {
  var f = e.target.closest && e.target.closest("form");
  if (f) f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
});
// Money fields are text (a cashier types 150.000 or 150.000,50, which type=number refuses):
// phones still get the number pad.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("#payment-form #f-amount, #plan-form #f-price").forEach(function (i) {
    i.setAttribute("inputmode", "decimal");
  });
});
