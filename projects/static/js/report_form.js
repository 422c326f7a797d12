// Shows, as the reporter types, what this month's figure means: the year-to-date cumulative and its
// share of the annual plan. Display only: the server recomputes and checks every figure on save.
(function () {
  "use strict";
  var box = document.getElementById("report-figures");
  var input = document.getElementById("id_investment");
  if (!box || !input) { return; }
  // The server's rule (projects/amounts.py): digits with an optional decimal part, or digits grouped
  // by commas in threes ("36,830", "1,234.5"); no exponent, no other comma, no inner space.
  var AMOUNT = /^-?(?:(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]*)?|\.[0-9]+)$/;
  var before = parseFloat(box.dataset.before) || 0;
  var plan = parseFloat(box.dataset.plan) || 0;
  var cumulativeOut = box.querySelector('[data-figure="cumulative"]');
  var percentOut = box.querySelector('[data-figure="percent"]');
  var format = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var hint = document.createElement("p");
  hint.className = "help";
  hint.id = "investment-hint";
  hint.setAttribute("aria-live", "polite");
  input.insertAdjacentElement("afterend", hint);

  function show(cumulative, percent, message) {
    cumulativeOut.textContent = cumulative;
    percentOut.textContent = percent;
    hint.textContent = message;
    hint.hidden = !message;
  }

  function update() {
    // As the server reads it: full-width digits and separators are ordinary ones (NFKC).
    var text = input.value.normalize("NFKC").trim();
    if (text !== "" && !AMOUNT.test(text)) {
      var comma = text.indexOf(",") >= 0;
      show("—", "—", comma ? "逗号只能用作千位分隔符（如 36,830）" : "请填写数字，如 1250.50");
      return;
    }
    var value = text === "" ? 0 : Number(text.replace(/,/g, ""));
    if (!isFinite(value) || value < 0) {
      show("—", "—", value < 0 ? "不能为负数" : "");
      return;
    }
    var cumulative = before + value;
    show(format.format(cumulative), plan > 0 ? format.format((cumulative * 100) / plan) + "%" : "—", "");
  }
  input.addEventListener("input", update);
  update();
})();
