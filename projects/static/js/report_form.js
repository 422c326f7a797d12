// Shows, as the reporter types, what this month's figure means: the year-to-date cumulative and its
// share of the annual plan. Display only: the server recomputes and checks every figure on save.
(function () {
  "use strict";
  var box = document.getElementById("report-figures");
  var input = document.getElementById("id_investment");
  if (!box || !input) { return; }
  var before = parseFloat(box.dataset.before) || 0;
  var plan = parseFloat(box.dataset.plan) || 0;
  var cumulativeOut = box.querySelector('[data-figure="cumulative"]');
  var percentOut = box.querySelector('[data-figure="percent"]');
  var format = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function update() {
    // As the server reads it: full-width digits and separators are ordinary ones (NFKC).
    var text = input.value.normalize("NFKC").replace(/[,\s]/g, "");
    var value = text === "" ? 0 : Number(text);
    if (!isFinite(value) || value < 0) {
      cumulativeOut.textContent = "—";
      percentOut.textContent = "—";
      return;
    }
    var cumulative = before + value;
    cumulativeOut.textContent = format.format(cumulative);
    percentOut.textContent = plan > 0 ? format.format((cumulative * 100) / plan) + "%" : "—";
  }
  input.addEventListener("input", update);
  update();
})();
