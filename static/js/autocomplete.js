// Progressive enhancement: title suggestions under the search box. Without JavaScript the
// search works the same; this only adds a <datalist> fed by /api/search/autocomplete/.
(function () {
  var input = document.querySelector("input[data-autocomplete]");
  if (!input || !window.fetch) return;
  var list = document.createElement("datalist");
  list.id = "search-suggestions";
  input.setAttribute("list", list.id);
  input.after(list);
  var timer = null, last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = input.value.trim();
      if (text.length < 2 || text === last) return;
      last = text;
      fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(text))
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.suggestions.map(function (s) {
            var option = document.createElement("option");
            option.value = s.title;
            return option;
          }));
        })
        .catch(function () {});
    }, 150);
  });
})();
