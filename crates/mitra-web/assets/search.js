// Suggestions for the search box: completions of the last word typed, from /api/v1/search/suggest, offered through
// the input's <datalist>. Without this script the search form works the same, without suggestions.
(function () {
  const input = document.querySelector("input[data-suggest]");
  const list = input && document.getElementById(input.getAttribute("list"));
  if (!input || !list) return;
  let timer = null;
  let last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(async function () {
      const typed = input.value;
      if (typed === last || typed.trim() === "") return;
      last = typed;
      try {
        const response = await fetch(input.dataset.suggest + "?q=" + encodeURIComponent(typed));
        if (!response.ok || typed !== input.value) return;
        const body = await response.json();
        list.replaceChildren(...body.suggestions.map(function (s) {
          const option = document.createElement("option");
          option.value = s;
          return option;
        }));
      } catch (e) {
        // Suggestions are a convenience; a failed request leaves the box as it is.
      }
    }, 150);
  });
})();
