// Funding breakdown lines: add and remove lines in the page, and keep the total
// up to date; ticking an allocation starts its line at once, and unticking it takes
// that line away again if it has not been changed. Without JavaScript the form
// still works: "Add a line" and "Add the ticked allocations" post the form back
// with the new lines, and ticked "Remove this line" boxes drop their lines.
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

  function addLine(item, amount) {
    var index = parseInt(totalForms.value, 10);
    var fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
        var value = el.getAttribute(attribute);
        if (value) el.setAttribute(attribute, value.replace(/__prefix__/g, String(index)));
      });
    });
    var line = fragment.querySelector("[data-line]");
    line.querySelector("input[name$='-item']").value = item || "";
    line.querySelector("input[name$='-amount']").value = amount || "";
    container.appendChild(fragment);
    totalForms.value = String(index + 1);
    enhance(line);
    updateTotal();
    return line;
  }

  addButton.addEventListener("click", function (event) {
    event.preventDefault();
    addLine().querySelector("input[name$='-item']").focus();
  });

  // The allocations: "lined" holds those whose line has been started.
  function lined(pk) {
    return form.querySelector("input[name='lined'][value='" + pk + "']");
  }
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name !== "allocations") return;
    var pk = box.value;
    if (box.checked && !lined(pk)) {
      var line = addLine(box.getAttribute("data-item"), box.getAttribute("data-amount"));
      line.setAttribute("data-allocation", pk);
      var marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = "lined";
      marker.value = pk;
      form.appendChild(marker);
    } else if (!box.checked) {
      var started = container.querySelector("[data-allocation='" + pk + "']");
      if (!started || started.hidden) return;
      var item = started.querySelector("input[name$='-item']").value;
      var amount = started.querySelector("input[name$='-amount']").value;
      if (item !== box.getAttribute("data-item") || amount !== box.getAttribute("data-amount")) return;
      started.querySelector("input[name$='-DELETE']").checked = true;
      started.hidden = true;
      lined(pk).remove();
      updateTotal();
    }
  });

  container.querySelectorAll("[data-line]").forEach(enhance);
  container.addEventListener("input", updateTotal);
  updateTotal();
})();
