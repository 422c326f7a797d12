// 批量修改 on the project list: the bar's 全选本页 box ticks or
// clears every listing on this page.
document.querySelectorAll("[data-select-all]").forEach((all) => {
  const boxes = () => all.closest("form, table").querySelectorAll("input[name=listing]");
  all.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
});
