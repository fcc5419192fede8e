/* knowledge/widgets.py ChecklistWithFilter: chosen items as chips that remove them, and a box
   that filters a long list as one types. Without this script the checkboxes work as they are. */
(function () {
  'use strict';

  var LONG_LIST = 10; // items beyond which the list scrolls and gets a filter box

  function fold(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
  }

  function enhance(root) {
    if (root.dataset.enhanced) return;
    root.dataset.enhanced = 'true';
    var list = root.firstElementChild;
    var options = Array.prototype.map.call(root.querySelectorAll('input[type="checkbox"]'), function (box) {
      var label = box.closest('label');
      return { box: box, row: label.parentElement, text: label.textContent.trim() };
    });

    var chosen = document.createElement('ul');
    chosen.className = 'checklist-with-filter__chosen';
    chosen.setAttribute('aria-label', root.dataset.chosenLabel);
    root.insertBefore(chosen, list);

    function renderChosen() {
      chosen.textContent = '';
      var checked = options.filter(function (option) { return option.box.checked; });
      if (!checked.length) {
        var none = document.createElement('li');
        none.className = 'checklist-with-filter__none';
        none.textContent = root.dataset.noneChosen;
        chosen.appendChild(none);
      }
      checked.forEach(function (option) {
        var item = document.createElement('li');
        var chip = document.createElement('button');
        chip.type = 'button';
        chip.className = 'checklist-with-filter__chip';
        chip.setAttribute('aria-label', root.dataset.removeLabel + ' ' + option.text);
        chip.textContent = option.text + ' \u00d7';
        chip.addEventListener('click', function () {
          option.box.checked = false;
          option.box.dispatchEvent(new Event('change', { bubbles: true })); // unsaved-changes tracking
          (filter || option.box).focus();
        });
        item.appendChild(chip);
        chosen.appendChild(item);
      });
    }

    var filter = null;
    if (options.length > LONG_LIST) {
      list.classList.add('checklist-with-filter__list--long');
      filter = document.createElement('input');
      filter.type = 'search';
      filter.className = 'checklist-with-filter__filter';
      filter.placeholder = root.dataset.filterLabel;
      filter.setAttribute('aria-label', root.dataset.filterLabel);
      if (list.id) filter.setAttribute('aria-controls', list.id);
      var count = document.createElement('p');
      count.className = 'checklist-with-filter__count';
      count.setAttribute('aria-live', 'polite');
      root.insertBefore(filter, list);
      root.appendChild(count);

      var applyFilter = function () {
        var wanted = fold(filter.value);
        var shown = 0;
        options.forEach(function (option) {
          var match = !wanted || fold(option.text).indexOf(wanted) !== -1;
          option.row.hidden = !match;
          if (match) shown += 1;
        });
        count.textContent = shown + ' / ' + options.length + ' ' + root.dataset.shownLabel;
      };
      filter.addEventListener('input', applyFilter);
      filter.addEventListener('keydown', function (event) {
        if (event.key === 'Enter') event.preventDefault(); // not a submission of the page
      });
      applyFilter();
    }

    root.addEventListener('change', renderChosen);
    renderChosen();
  }

  function enhanceAll() {
    document.querySelectorAll('[data-checklist-with-filter]').forEach(enhance);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', enhanceAll);
  } else {
    enhanceAll();
  }
})();
