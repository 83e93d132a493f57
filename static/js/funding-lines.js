// Funding breakdown lines: add and remove lines in the page, and keep the total
// up to date. Without JavaScript the form still works: "Add a line" posts the form
// back with one more line, and ticked "Remove this line" boxes drop their lines.
(function () {
  "use strict";

  var form = document.getElementById("decision-form");
  if (!form) return;
  var container = form.querySelector("[data-lines]");
  var template = document.getElementById("empty-line");
  var totalForms = form.querySelector("input[name='lines-TOTAL_FORMS']");
  var addButton = form.querySelector("[data-add-line]");
  var totalOutput = form.querySelector("[data-lines-total]");

  // Amounts as whole pence, so the total is exact: "£9,400.5" is 940050.
  function pence(text) {
    var cleaned = text.replace(/^\s*£/, "").trim();
    if (cleaned === "") return 0;
    var match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
    if (!match) return null;
    var pounds = parseInt(match[1].replace(/,/g, ""), 10);
    var fraction = match[2] ? parseInt((match[2] + "0").slice(0, 2), 10) : 0;
    return pounds * 100 + fraction;
  }

  function money(totalPence) {
    var pounds = Math.floor(totalPence / 100);
    var rest = totalPence % 100;
    var grouped = String(pounds).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return "£" + grouped + (rest ? "." + String(rest).padStart(2, "0") : "");
  }

  function updateTotal() {
    var total = 0;
    var valid = true;
    container.querySelectorAll("[data-line]").forEach(function (line) {
      if (line.hidden) return;
      var amount = line.querySelector("input[name$='-amount']");
      var value = pence(amount.value);
      if (value === null) valid = false;
      else total += value;
    });
    totalOutput.textContent = valid ? money(total) : "— (check the amounts)";
  }

  function enhance(line) {
    var checkbox = line.querySelector("input[name$='-DELETE']");
    if (!checkbox || line.querySelector("[data-remove-line]")) return;
    var wrapper = checkbox.closest(".mb-3") || checkbox.parentElement;
    wrapper.hidden = true;
    var item = line.querySelector("input[name$='-item']");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-danger";
    button.setAttribute("data-remove-line", "");
    button.textContent = "Remove line";
    // The button says which line it removes, following what is typed.
    function name() {
      var text = item && item.value.trim() ? item.value.trim() : "(no item yet)";
      button.setAttribute("aria-label", "Remove line " + text);
    }
    name();
    if (item) item.addEventListener("input", name);
    // A line removed before a refused save comes back ticked: keep it removed.
    if (checkbox.checked) line.hidden = true;
    button.addEventListener("click", function () {
      checkbox.checked = true;
      line.hidden = true;
      updateTotal();
      addButton.focus();
    });
    wrapper.parentElement.appendChild(button);
  }

  addButton.addEventListener("click", function (event) {
    event.preventDefault();
    var index = parseInt(totalForms.value, 10);
    var fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
        var value = el.getAttribute(attribute);
        if (value) el.setAttribute(attribute, value.replace(/__prefix__/g, String(index)));
      });
    });
    var line = fragment.querySelector("[data-line]");
    container.appendChild(fragment);
    totalForms.value = String(index + 1);
    enhance(line);
    line.querySelector("input[name$='-item']").focus();
  });

  container.querySelectorAll("[data-line]").forEach(enhance);
  container.addEventListener("input", updateTotal);
  updateTotal();
})();
