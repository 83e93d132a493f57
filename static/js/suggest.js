// Suggestions as you type, from the server, for a text field marked with
// data-suggest="<url>" (the recipient of an allocation): the GOV.UK accessible
// autocomplete, which a keyboard and a screen reader can use. What is typed stays
// free text: a name that is not suggested is sent as typed, and the server then
// shows the providers it looks like before recording a new one. Without
// JavaScript, or when the field is showing a problem (its message must stay tied to
// it), the plain text field is left as it is.
(function () {
  "use strict";

  if (!window.accessibleAutocomplete || !window.fetch) return;

  // The component writes a suggestion into the page as HTML: a provider's name is
  // text, whatever it holds, so it is escaped first.
  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    if (input.classList.contains("is-invalid")) return;
    var url = input.getAttribute("data-suggest");
    var container = document.createElement("div");
    input.parentNode.insertBefore(container, input);
    var options = {
      element: container,
      id: input.id,
      name: input.name,
      defaultValue: input.value,
      minLength: 2,
      confirmOnBlur: false,
      showNoOptionsFound: false,
      displayMenu: "overlay",
      inputClasses: "form-control",
      templates: {
        inputValue: function (name) {
          return name === undefined ? "" : name;
        },
        suggestion: escapeHtml,
      },
      tStatusQueryTooShort: function (length) {
        return "Type " + length + " or more letters for suggestions";
      },
      tStatusNoResults: function () {
        return "No provider of that name: it will be added as a new one";
      },
      source: function (query, populate) {
        fetch(url + "?q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) {
            return response.ok ? response.json() : { providers: [] };
          })
          .then(function (data) {
            populate(
              data.providers.map(function (provider) {
                return provider.name;
              })
            );
          })
          .catch(function () {
            populate([]);
          });
      },
    };
    input.remove();
    window.accessibleAutocomplete(options);
  });
})();
