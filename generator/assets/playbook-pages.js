/* The playbook's pages in the browser. Our own small script, no library, nothing fetched.
 *
 * - Search: a number in a query matches that number only. Material's search adds a trailing
 *   wildcard to every word, so "14" also matched "140" and "145"; a rarer number outweighs a
 *   common one, and "Care manager 14" put "Partner manager 140" first. Each query, on its way
 *   to Material's search worker, gets "14^1" for "14" (a term with a boost gets no wildcard,
 *   and a boost of 1 changes no score). Words keep their wildcard.
 * - Filter boxes: "find your role" on the home page (the block the plugin puts at
 *   <!-- playbook:home -->) and "show one role or department" on the RACI page. Without the
 *   script the lists and tables are whole; it only adds the box and hides what does not match.
 */
(function () {
  "use strict";

  var QUERY = 2; /* Material's SearchMessageType.QUERY (SETUP 0, READY 1, QUERY 2, RESULT 3) */

  function exactNumbers(query) {
    return query.replace(/(^|\s)(\d+)(?=\s|$)/g, "$1$2^1");
  }

  if (typeof Worker !== "undefined" && !Worker.prototype.playbookExactNumbers) {
    var post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message) {
      var args = Array.prototype.slice.call(arguments);
      if (message && message.type === QUERY && typeof message.data === "string") {
        args[0] = { type: QUERY, data: exactNumbers(message.data) };
      }
      return post.apply(this, args);
    };
    Worker.prototype.playbookExactNumbers = true;
  }

  function words(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").split(/\s+/).filter(Boolean);
  }

  function matches(text, query) {
    var have = words(text).join(" ");
    return query.every(function (word) { return have.indexOf(word) >= 0; });
  }

  function box(container, onInput) {
    var label = container.getAttribute("aria-label") || "";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "playbook-filter__input";
    input.setAttribute("aria-label", label);
    input.placeholder = label;
    input.autocomplete = "off";
    container.insertBefore(input, container.firstChild);
    input.addEventListener("input", function () { onInput(words(input.value)); });
    // keep Material's "s" and "/" shortcuts from taking the keys typed here
    input.addEventListener("keydown", function (event) { event.stopPropagation(); });
    return input;
  }

  /* Find your role: hide roles that do not match, open the departments that hold a match,
   * and say so when nothing matches. */
  function findRole(container) {
    var groups = Array.prototype.slice.call(container.querySelectorAll(".playbook-find__group"));
    var none = container.querySelector(".playbook-find__none");
    var wasOpen = groups.map(function (group) { return group.open; });
    box(container, function (query) {
      var found = 0;
      groups.forEach(function (group, index) {
        var department = group.querySelector("summary").textContent;
        var shown = 0;
        group.querySelectorAll("li").forEach(function (item) {
          var hit = !query.length || matches(item.textContent + " " + department, query);
          item.hidden = !hit;
          if (hit) shown += 1;
        });
        group.hidden = shown === 0;
        group.open = query.length ? shown > 0 : wasOpen[index];
        found += shown;
      });
      if (none) none.classList.toggle("playbook-find__none--shown", found === 0);
    });
  }

  /* The RACI page: keep the rows or columns of the parties that match, and the objectives
   * of the phone list that name one of them. */
  function raci(container) {
    var tables = Array.prototype.slice.call(document.querySelectorAll(".md-typeset table")).filter(function (table) {
      return table.querySelector(".playbook-raci") || table.querySelector("thead th + th + th + th + th");
    });
    var objectives = Array.prototype.slice.call(document.querySelectorAll(".playbook-raci-list__objective"));
    box(container, function (query) {
      tables.forEach(function (table) {
        var head = Array.prototype.slice.call(table.querySelectorAll("thead th"));
        var partiesAcross = head.slice(1).some(function (th) {
          var link = th.querySelector("a");
          return link && !/objectives\//.test(link.getAttribute("href") || "");
        });
        var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
        if (partiesAcross) {
          head.forEach(function (th, column) {
            var hit = column === 0 || !query.length || matches(th.textContent, query);
            th.hidden = !hit;
            rows.forEach(function (row) { if (row.cells[column]) row.cells[column].hidden = !hit; });
          });
        } else {
          rows.forEach(function (row) {
            var text = row.querySelector(".playbook-raci") ? row.cells[0].textContent : row.textContent;
            row.hidden = query.length > 0 && !matches(text, query);
          });
        }
      });
      objectives.forEach(function (objective) {
        var people = Array.prototype.slice.call(objective.querySelectorAll("li a"));
        objective.hidden = query.length > 0 && !people.some(function (a) { return matches(a.textContent, query); });
      });
    });
  }

  document.querySelectorAll(".playbook-find").forEach(findRole);
  document.querySelectorAll(".playbook-raci-filter").forEach(raci);
})();
