// The project picker: suggests projects as the person types into a search box and puts the chosen
// one's id in the hidden input beside it (ARIA combobox: up/down move, Enter chooses, Escape
// closes). Without this script the form resolves the typed text on the server, which also checks
// every chosen id against the user's scope.
(function () {
  "use strict";
  var WAIT_MS = 200;

  function picker(input) {
    var hidden = document.getElementById(input.dataset.pickerId);
    if (!hidden) { return; }
    var list = document.createElement("ul");
    list.className = "picker-list";
    list.id = input.id + "_list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var results = [], active = -1, timer = null, asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      var items = list.querySelectorAll("[role=option]");
      active = index;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var project = results[index];
      if (!project) { return; }
      input.value = project.name;
      hidden.value = project.id;
      close();
    }

    function show(data) {
      results = data.results || [];
      list.textContent = "";
      results.forEach(function (project, index) {
        var item = document.createElement("li");
        item.id = list.id + "_" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = project.label;
        // mousedown rather than click: the box keeps the focus, and a tap chooses before blur closes.
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(index); });
        list.appendChild(item);
      });
      if (!results.length || data.more) {
        var note = document.createElement("li");
        note.className = "picker-none";
        note.textContent = data.error || (results.length ? "只列出前 " + results.length + " 个，请输入更多文字缩小范围" : "没有找到相符的项目");
        list.appendChild(note);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark(-1);
    }

    function search() {
      var text = input.value.trim();
      if (!text) { close(); return; }
      var mine = ++asked;
      fetch(input.dataset.pickerUrl + "&q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        // a refused search (400) says why, e.g. that the text is too long
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            return response.ok ? data : { results: [], error: data.error || "查找失败，请稍后再试" };
          });
        })
        .then(function (data) { if (mine === asked) { show(data); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      hidden.value = ""; // what is typed now is not the project chosen before
      clearTimeout(timer);
      timer = setTimeout(search, WAIT_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && input.value.trim()) { search(); event.preventDefault(); }
        return;
      }
      if (event.key === "ArrowDown") {
        mark(Math.min(active + 1, results.length - 1));
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        mark(Math.max(active - 1, 0));
        event.preventDefault();
      } else if (event.key === "Enter") {
        if (active >= 0) { choose(active); event.preventDefault(); } else if (results.length === 1) { choose(0); event.preventDefault(); }
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      }
    });
    input.addEventListener("blur", close);
  }

  var boxes = document.querySelectorAll("input[data-picker-url]");
  for (var i = 0; i < boxes.length; i++) { picker(boxes[i]); }
})();
