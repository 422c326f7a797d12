// On a phone the filter form starts folded behind its 筛选 summary, so the results come first; a wider
// screen, or a browser without script, shows it open.
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: 600px)").matches) { return; }
  document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
    if (!details.querySelector(".error")) { details.open = false; }
  });
})();
