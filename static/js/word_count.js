// Word counts for answers with a word limit. Without JavaScript the question's hint
// still says the limit, and the server counts the words when the answer is saved.
// With it, a line under the box says how many words are used, counted the way the
// server counts them (runs of characters between spaces); screen readers hear the
// count once typing pauses, not at every key.
(function () {
  "use strict";

  function words(text) {
    var trimmed = text.trim();
    return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
  }

  function message(count, limit) {
    if (count > limit) {
      var over = count - limit;
      return "You have " + over + (over === 1 ? " word" : " words") + " too many (limit " + limit + ").";
    }
    return "You have used " + count + " of " + limit + " words.";
  }

  document.querySelectorAll("[data-word-count-for]").forEach(function (counter) {
    var box = document.getElementById(counter.getAttribute("data-word-count-for"));
    var limit = parseInt(counter.getAttribute("data-word-limit"), 10);
    if (!box || !limit) return;
    var timer = null;
    counter.hidden = false;
    function update() {
      var count = words(box.value);
      counter.textContent = message(count, limit);
      counter.classList.toggle("text-danger", count > limit);
    }
    update();
    // The live region is filled after a pause, so it is read once, not per key.
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 400);
    });
  });
})();
