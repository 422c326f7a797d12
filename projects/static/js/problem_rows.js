// The report form's problem rows: on load the empty ones are folded away behind one 添加问题 button,
// which opens them one at a time, so 报送 stays near the top on a phone. A row with text or an error
// stays open; without script every row is shown, as the server drew them.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll(".problem-row"));
  if (!rows.length) { return; }
  function isEmpty(row) {
    var text = row.querySelector("textarea");
    return !(text && text.value.trim()) && !row.querySelector(".error");
  }
  var folded = rows.filter(isEmpty);
  if (!folded.length) { return; }
  folded.forEach(function (row) { row.hidden = true; });
  var button = document.createElement("button");
  button.type = "button";
  button.id = "add-problem";
  button.textContent = "添加问题";
  folded[folded.length - 1].insertAdjacentElement("afterend", button);
  button.addEventListener("click", function () {
    var next = folded.shift();
    next.hidden = false;
    var text = next.querySelector("textarea");
    if (text) { text.focus(); }
    if (!folded.length) { button.hidden = true; }
  });
})();
