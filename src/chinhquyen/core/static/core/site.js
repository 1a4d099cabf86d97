/* The officials' pages' few behaviours, from data attributes: the Content-Security-Policy allows
   scripts from this site only, never inline scripts or on…= handlers (ADR 0037). Delegated on
   the document, so they work on content htmx swaps in too. */
(function () {
  "use strict";

  // <select data-cq-submit-on-change>: submit its form when the choice changes (the language).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-cq-submit-on-change") && target.form) {
      target.form.submit();
    }
  });

  // <button data-cq-fill="#id" data-cq-value="…" data-cq-label="#id">: put the value into one
  // field and the button's text into another (the counter's procedure picker).
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-cq-fill]") : null;
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-cq-fill"));
    if (field) field.value = button.getAttribute("data-cq-value") || "";
    var labelSelector = button.getAttribute("data-cq-label");
    var label = labelSelector ? document.querySelector(labelSelector) : null;
    if (label) label.value = button.textContent.trim();
  });

  // <form data-cq-no-spaces="field_id">: remove the spaces from that field when it loses focus
  // (Phụ lục I II.3: a notation has no spaces; the law's mixed-case abbreviations stay as typed).
  document.addEventListener("blur", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.form) return;
    if (input.form.getAttribute("data-cq-no-spaces") === input.id) {
      input.value = input.value.replace(/\s+/g, "");
    }
  }, true);

  // <input type="checkbox" data-cq-reveal-password>: show the form's passwords while ticked
  // (ASVS 4.0.3 V2.1.12: the user may check what they typed).
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.hasAttribute("data-cq-reveal-password") || !box.form) return;
    box.form.querySelectorAll("input[data-cq-password]").forEach(function (input) {
      input.type = box.checked ? "text" : "password";
    });
  });
})();
