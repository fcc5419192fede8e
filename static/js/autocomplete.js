// Progressive enhancement: title suggestions under the search box. Without JavaScript the
// search works the same; this only adds a <datalist> fed by /api/search/autocomplete/.
// That address has no language prefix: the page's language says which version of each item
// to suggest (its translation for this reader where there is one, else the original).
(function () {
  var input = document.querySelector("input[data-autocomplete]");
  if (!input || !window.fetch) return;
  var list = document.createElement("datalist");
  list.id = "search-suggestions";
  input.setAttribute("list", list.id);
  input.after(list);
  var timer = null, last = "";
  var reader = (document.documentElement.lang || "").split("-")[0];
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = input.value.trim();
      if (text.length < 2 || text === last) return;
      last = text;
      var url = input.dataset.autocomplete + "?q=" + encodeURIComponent(text);
      if (reader) url += "&reader=" + encodeURIComponent(reader);
      fetch(url)
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
