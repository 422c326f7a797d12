// While a list uploads and is parsed, show that work is under way and stop a second submit.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  var progress = document.getElementById("upload-progress");
  if (!form || !progress) { return; }
  form.addEventListener("submit", function () {
    progress.hidden = false;
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
  });
})();
