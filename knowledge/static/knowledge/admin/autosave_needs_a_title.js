/* Wagtail autosaves the page editor's form as one types. A page cannot be saved without a title,
   so before one is typed (a new item whose partner starts with its image or countries), every
   autosave was answered 400 and the browser logged an error: wait for the title instead. */
document.addEventListener('w-autosave:save', function (event) {
  var title = event.target.elements && event.target.elements.namedItem('title');
  if (title && !title.value.trim()) {
    event.preventDefault();
  }
});
