// The progress bar of a job's page: asks the job's status every second and moves
// the bar; when the job is over, reloads the page to show its result. Without
// script the page offers a refresh link instead.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || box.dataset.over === "true") {
    return;
  }
  var bar = box.querySelector("[data-job-bar]");
  var status = box.querySelector("[data-job-status]");
  var count = box.querySelector("[data-job-count]");
  var refresh = box.querySelector("[data-job-refresh]");
  if (refresh) {
    refresh.hidden = true;
  }
  var url = box.dataset.statusUrl;
  var number = new Intl.NumberFormat("en-GB");

  function show(job) {
    bar.value = job.percent;
    bar.textContent = job.percent + "%";
    status.textContent = job.status_label;
    if (job.total !== null) {
      count.textContent = number.format(job.done) + " of " + number.format(job.total) + " done";
    }
  }

  function ask() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (job.over) {
          window.location.reload();
        } else {
          window.setTimeout(ask, 1000);
        }
      })
      .catch(function () {
        if (refresh) {
          refresh.hidden = false;
        }
        window.setTimeout(ask, 5000);
      });
  }

  window.setTimeout(ask, 500);
})();
