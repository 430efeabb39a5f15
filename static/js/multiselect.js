/* Searchable multiple choice (maillage/www/widgets.py, SearchableMultiSelect).

   Progressive enhancement of a fieldset of checkboxes: the checkboxes stay the
   form's control (same names and values are posted); this script shows a
   filter, the chosen items as removable DSFR tags and a live region with the
   number of matches (RGAA 7.1, 7.5; WCAG 4.1.3). Every word comes from the
   data- attributes of the template, translated on the server. No inline style
   or script (the CSP forbids them): visibility goes through the `hidden`
   attribute. */
(function () {
  "use strict";

  // « cote » finds « Côte d'Ivoire »: accents, case and apostrophes ignored.
  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[’‘`]/g, "'")
      .toLowerCase()
      .trim();
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function enhance(root) {
    var data = root.dataset;
    var filter = root.querySelector("[data-multiselect-filter]");
    var count = root.querySelector("[data-multiselect-count]");
    var tags = root.querySelector("[data-multiselect-tags]");
    var none = root.querySelector("[data-multiselect-none]");
    var options = Array.prototype.map.call(root.querySelectorAll("[data-multiselect-option]"), function (element) {
      var input = element.querySelector("input[type=checkbox]");
      var label = element.querySelector("label");
      return { element: element, input: input, label: label.textContent, key: fold(label.textContent) };
    });
    var timer = null;

    function visible() {
      return options.filter(function (option) {
        return !option.element.hidden;
      });
    }

    function announce(message) {
      count.textContent = message;
    }

    function results(number) {
      if (number === 0) {
        return data.resultNone;
      }
      return number === 1 ? data.resultOne : fill(data.resultOther, { count: number });
    }

    function applyFilter() {
      var words = fold(filter.value).split(/\s+/).filter(Boolean);
      options.forEach(function (option) {
        option.element.hidden = !words.every(function (word) {
          return option.key.indexOf(word) !== -1;
        });
      });
      // Announced only once typing pauses, so a screen reader is not
      // interrupted at every letter; empty filter: nothing to announce.
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        announce(words.length ? results(visible().length) : "");
      }, 400);
    }

    function removeTag(option, index) {
      option.input.checked = false;
      option.input.dispatchEvent(new Event("change", { bubbles: true }));
      var buttons = tags.querySelectorAll("button");
      // Focus stays in the list of tags (the next one, else the previous one),
      // or returns to the filter when the last one is gone.
      var next = buttons[Math.min(index, buttons.length - 1)];
      (next || filter).focus();
      // A count still pending from the filter must not overwrite this message.
      window.clearTimeout(timer);
      announce(fill(data.removed, { label: option.label }));
    }

    function renderTags() {
      var chosen = options.filter(function (option) {
        return option.input.checked;
      });
      tags.replaceChildren();
      chosen.forEach(function (option, index) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "fr-tag fr-tag--sm fr-tag--dismiss";
        button.textContent = option.label;
        button.setAttribute("aria-label", fill(data.removeLabel, { label: option.label }));
        // Added before the DSFR registers its own handler on .fr-tag--dismiss
        // (which would only remove the button): ours unticks the checkbox and
        // places the focus, and stops the DSFR's.
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          removeTag(option, index);
        });
        item.appendChild(button);
        tags.appendChild(item);
      });
      tags.hidden = chosen.length === 0;
      none.hidden = chosen.length !== 0;
    }

    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter in the filter must not send the whole form.
        event.preventDefault();
      } else if (event.key === "Escape" && filter.value) {
        event.preventDefault();
        filter.value = "";
        applyFilter();
      } else if (event.key === "ArrowDown") {
        var first = visible()[0];
        if (first) {
          event.preventDefault();
          first.input.focus();
        }
      }
    });
    root.addEventListener("change", function (event) {
      if (event.target.matches("input[type=checkbox]")) {
        renderTags();
      }
    });
    root.querySelectorAll("[data-multiselect-enhanced]").forEach(function (element) {
      element.hidden = false;
    });
    renderTags();
  }

  function start() {
    document.querySelectorAll("[data-multiselect]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
