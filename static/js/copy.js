// Progressive enhancement: "Copy" buttons for a citation, a permanent link or a feed's address.
// A button names what it copies (data-copy: the id of a field or of an element's text) and where
// to say so (data-status: a role="status" element with data-copied and data-failed sentences).
// Without JavaScript, or without the clipboard (pages not served over HTTPS), the buttons stay
// hidden and the text is selected and copied as usual.
(function () {
  if (!navigator.clipboard || !window.isSecureContext) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.status);
    if (!source || !status) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.tagName === "INPUT" ? source.value : source.textContent.trim();
      status.textContent = "";
      navigator.clipboard.writeText(text).then(
        function () { status.textContent = status.dataset.copied; },
        function () { status.textContent = status.dataset.failed; }
      );
    });
  });
})();
