/* Zoom, pan, fit, full screen and find for the playbook's diagrams; `?focus=<role>`.
 *
 * Written for this site, no library: each figure holds an inline Graphviz <svg> and a
 * hidden toolbar (generator/diagrams/render.py). A diagram whose text would be drawn under
 * 11 px to fit its column gets the toolbar; its view is the svg's viewBox, which buttons, keys
 * (+ - 0 and arrows on the focused canvas), drag, pinch and ctrl+wheel change. "Fit" (the
 * first view) shows it whole when its text then reads (11 px or more), else at the smallest
 * readable size on its subject or its top, and the reader pans or zooms out. Find and `?focus=` zoom to the box at its drawn size (text of
 * 9 pt is 12 px), centre it and light it up. Nothing is fetched; works from file://.
 */
(function () {
  "use strict";

  var PX = 4 / 3; // CSS px per pt: Graphviz sizes are in points
  var READABLE = 11 / 12; // drawn smaller than this, 9 pt text is under 11 px: the diagram zooms
  var STEP = 1.25;
  var STYLE =
    ".playbook-diagram__tools{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin:0 0 .4rem;font-size:.7rem}" +
    ".playbook-diagram__tools[hidden]{display:none}" +
    ".playbook-diagram__tool{font:inherit;min-width:2.2rem;min-height:2.2rem;padding:0 .5rem;border:1px solid var(--md-default-fg-color--light);" +
    "border-radius:.2rem;background:var(--md-default-bg-color);color:var(--md-default-fg-color);cursor:pointer;display:inline-flex;align-items:center;justify-content:center;text-decoration:none}" +
    ".playbook-diagram__tool:hover,.playbook-diagram__tool:focus{border-color:var(--md-accent-fg-color);color:var(--md-accent-fg-color)}" +
    ".playbook-diagram__find{display:inline-flex;gap:.3rem;align-items:center;flex:1 1 12rem}" +
    ".playbook-diagram__find input{font:inherit;min-height:2.2rem;flex:1;min-width:6rem;padding:0 .4rem;border:1px solid var(--md-default-fg-color--light);" +
    "border-radius:.2rem;background:var(--md-default-bg-color);color:var(--md-default-fg-color)}" +
    ".playbook-diagram__help{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}" +
    ".md-typeset .playbook-diagram--zoom{width:100%}" + // Material's figures shrink to their content
    ".playbook-diagram--zoom .playbook-diagram__canvas{overflow:hidden!important;touch-action:none;cursor:grab;" +
    "border:1px solid var(--md-default-fg-color--lightest);border-radius:.2rem}" +
    ".playbook-diagram--zoom .playbook-diagram__svg{display:block;min-width:0!important;max-width:none!important;width:100%!important}" +
    ".playbook-diagram--full{position:fixed;inset:0;z-index:10;margin:0;padding:.5rem;background:var(--md-default-bg-color);display:flex;flex-direction:column}" +
    ".playbook-diagram--full .playbook-diagram__canvas{flex:1}" +
    ".playbook-diagram--full .playbook-diagram__svg{height:100%!important}" +
    ".playbook-diagram--full figcaption{display:none}" +
    ".playbook-found path,.playbook-found polygon{stroke:var(--md-accent-fg-color)!important;stroke-width:4px}";

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  function Chart(figure) {
    this.figure = figure;
    this.canvas = figure.querySelector(".playbook-diagram__canvas");
    this.svg = this.canvas && this.canvas.querySelector("svg");
    this.tools = figure.querySelector(".playbook-diagram__tools");
    if (!this.svg || !this.tools || !this.svg.viewBox || !this.svg.viewBox.baseVal) return;
    var box = this.svg.viewBox.baseVal;
    this.whole = { x: box.x, y: box.y, w: box.width, h: box.height };
    this.original = this.svg.getAttribute("viewBox");
    this.view = null;
    this.on = false; // zooming: the view is the viewBox, in a canvas of its own height
    this.bound = false;
  }

  Chart.prototype.wide = function () {
    return this.whole.w * PX * READABLE > this.canvas.clientWidth + 1;
  };

  Chart.prototype.full_ = function () {
    return this.figure.classList.contains("playbook-diagram--full");
  };

  /* the tools, without zooming: for the full org chart that reads whole in its column
     (find is what that page is for); any tool then starts zooming */
  Chart.prototype.offer = function () {
    this.tools.hidden = false;
    this.bind();
  };

  Chart.prototype.enable = function () {
    if (this.on || !this.svg) return;
    this.on = true;
    this.figure.classList.add("playbook-diagram--zoom");
    this.tools.hidden = false;
    this.svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    this.bind();
    this.fitView();
  };

  /* back to the diagram drawn whole in the page, as it was before any zoom */
  Chart.prototype.disable = function () {
    if (!this.on) return;
    this.on = false;
    this.figure.classList.remove("playbook-diagram--zoom");
    this.svg.removeAttribute("preserveAspectRatio");
    if (this.original) this.svg.setAttribute("viewBox", this.original);
    this.svg.style.height = "";
    this.view = null;
  };

  /* px per user unit of the first view: the whole at the column's width, but never so
     small that 9 pt text is under 11 px (the reader pans and zooms out from there) */
  Chart.prototype.firstScale = function () {
    return Math.max(this.canvas.clientWidth / this.whole.w, PX * READABLE);
  };

  /* the svg's height in px: the chart at its first scale, at most 70% of the screen */
  Chart.prototype.size = function () {
    if (this.full_()) {
      this.svg.style.height = "";
      return;
    }
    var height = Math.min(this.whole.h * this.firstScale(), window.innerHeight * 0.7);
    this.svg.style.height = Math.max(height, 200) + "px";
  };

  Chart.prototype.show = function (view) {
    this.view = view;
    this.svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map(function (n) {
      return Math.round(n * 100) / 100;
    }).join(" "));
  };

  /* the first view ("fit", key 0): a diagram that reads whole at the column's width is drawn
     whole in the page (no zooming); else the whole chart if it reads in the svg's box; else the
     chart at the smallest readable size, on its subject (a role diagram's role, a map's
     hub in the middle) or, for a chart that grows down from its top, at the top */
  Chart.prototype.fit = function () {
    if (!this.wide() && !this.full_()) { this.disable(); return; } // it reads whole in the page
    if (!this.on) this.enable(); else this.fitView();
  };

  Chart.prototype.fitView = function () {
    this.size();
    var r = this.svg.getBoundingClientRect();
    var w = this.whole.w, h = this.whole.h;
    if (r.width && r.height) {
      var aspect = r.width / r.height;
      if (w / h < aspect) w = h * aspect; else h = w / aspect;
      if (r.width / w < PX * READABLE) {
        w = r.width / (PX * READABLE);
        h = r.height / (PX * READABLE);
        var c = this.subject();
        var x = Math.min(Math.max(c.x - w / 2, this.whole.x), this.whole.x + this.whole.w - w);
        var y = c.top ? this.whole.y : Math.min(Math.max(c.y - h / 2, this.whole.y), this.whole.y + this.whole.h - h);
        this.show({ x: x, y: y, w: w, h: h });
        return;
      }
    }
    this.show({ x: this.whole.x - (w - this.whole.w) / 2, y: this.whole.y - (h - this.whole.h) / 2, w: w, h: h });
  };

  /* where the first view looks when the whole does not read: the box drawn in the accent
     colour (the page's own role), else the middle of a map, else the top middle */
  Chart.prototype.subject = function () {
    var whole = this.whole;
    var middle = { x: whole.x + whole.w / 2, y: whole.y + whole.h / 2, top: false };
    var key = this.figure.getAttribute("data-diagram") || "";
    var marked = this.svg.querySelector('g.node [stroke^="var(--md-typeset-a-color"]');
    if (marked && key.indexOf("role/") === 0) {
      var box = marked.getBBox(); // in the graph's units; Graphviz's graph group translates them
      var graph = this.svg.querySelector("g.graph");
      var t = graph && graph.transform.baseVal.consolidate();
      var m = t ? t.matrix : { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 };
      var cx = box.x + box.width / 2, cy = box.y + box.height / 2;
      return { x: m.a * cx + m.c * cy + m.e, y: m.b * cx + m.d * cy + m.f, top: false };
    }
    if (key === "coordination" || key.indexOf("objective/") === 0) return middle;
    middle.top = true;
    return middle;
  };

  /* px per user unit now */
  Chart.prototype.scale = function () {
    return this.svg.getBoundingClientRect().width / this.view.w;
  };

  Chart.prototype.zoom = function (factor, cx, cy) {
    var v = this.view;
    if (cx === undefined) { cx = v.x + v.w / 2; cy = v.y + v.h / 2; }
    var w = v.w / factor, h = v.h / factor;
    var most = this.svg.getBoundingClientRect().width / (PX * 4); // at most 4x the drawn size
    var least = this.whole.w * 2;
    if (w < most) { h *= most / w; w = most; }
    if (w > least) { h *= least / w; w = least; }
    this.show({ x: cx - (cx - v.x) * w / v.w, y: cy - (cy - v.y) * h / v.h, w: w, h: h });
  };

  Chart.prototype.pan = function (dx, dy) {
    var k = this.scale();
    this.show({ x: this.view.x - dx / k, y: this.view.y - dy / k, w: this.view.w, h: this.view.h });
  };

  /* a point of the screen in the svg's user units */
  Chart.prototype.point = function (clientX, clientY) {
    var r = this.svg.getBoundingClientRect();
    return { x: this.view.x + (clientX - r.left) / this.scale(), y: this.view.y + (clientY - r.top) / this.scale() };
  };

  /* centre an element at its drawn size (or closer), and light it up */
  Chart.prototype.focus = function (element) {
    if (!this.on) this.enable();
    var old = this.svg.querySelectorAll(".playbook-found");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("playbook-found");
    element.classList.add("playbook-found");
    var r = element.getBoundingClientRect();
    var a = this.point(r.left, r.top), b = this.point(r.right, r.bottom);
    var rect = this.svg.getBoundingClientRect();
    var k = Math.max(this.scale(), PX); // px per unit: at least the drawn size
    var w = rect.width / k, h = rect.height / k;
    this.show({ x: (a.x + b.x) / 2 - w / 2, y: (a.y + b.y) / 2 - h / 2, w: w, h: h });
  };

  Chart.prototype.find = function (query) {
    query = query.trim().toLowerCase();
    var status = this.tools.querySelector(".playbook-diagram__status");
    if (!query) { status.textContent = ""; return null; }
    var links = this.svg.querySelectorAll("a");
    var best = null;
    for (var i = 0; i < links.length && !best; i++) {
      var title = (links[i].getAttribute("xlink:title") || links[i].getAttribute("title") || "").toLowerCase();
      if (title === query) best = links[i];
    }
    for (var j = 0; j < links.length && !best; j++) {
      var text = ((links[j].getAttribute("xlink:title") || "") + " " + links[j].textContent).toLowerCase();
      if (text.indexOf(query) >= 0) best = links[j];
    }
    status.textContent = best ? "" : this.tools.getAttribute("data-not-found");
    if (best) this.focus(best);
    return best;
  };

  Chart.prototype.full = function (button) {
    var full = this.figure.classList.toggle("playbook-diagram--full");
    button.textContent = this.tools.getAttribute(full ? "data-exit-full" : "data-full");
    button.setAttribute("aria-label", button.textContent);
    button.setAttribute("aria-pressed", full ? "true" : "false");
    if (full && !this.on) this.enable(); else this.fit();
  };

  Chart.prototype.bind = function () {
    if (this.bound) return;
    this.bound = true;
    var chart = this, canvas = this.canvas;
    this.tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) return;
      var action = button.getAttribute("data-action");
      if ((action === "in" || action === "out") && !chart.on) chart.enable();
      if (action === "in") chart.zoom(STEP);
      else if (action === "out") chart.zoom(1 / STEP);
      else if (action === "fit") chart.fit();
      else if (action === "full") chart.full(button);
    });
    var input = this.tools.querySelector("input[data-action=find]");
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); chart.find(input.value); }
    });
    input.addEventListener("change", function () { chart.find(input.value); });
    canvas.addEventListener("keydown", function (event) {
      var keys = { "+": [STEP], "=": [STEP], "-": [1 / STEP], "0": null,
        ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] };
      if (!(event.key in keys) || event.ctrlKey || event.metaKey || event.altKey) return;
      var k = keys[event.key];
      if (!chart.on && k !== null && k.length === 2) return; // arrows scroll the page until one zooms
      event.preventDefault();
      if (!chart.on && k !== null) chart.enable();
      if (k === null) chart.fit();
      else if (k.length === 1) chart.zoom(k[0]);
      else chart.pan(k[0], k[1]);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && chart.figure.classList.contains("playbook-diagram--full")) {
        chart.full(chart.tools.querySelector("button[data-action=full]"));
      }
    });
    canvas.addEventListener("wheel", function (event) {
      if (!event.ctrlKey) return; // a plain wheel scrolls the page; ctrl+wheel (and trackpad pinch) zooms
      event.preventDefault();
      if (!chart.on) chart.enable();
      var p = chart.point(event.clientX, event.clientY);
      chart.zoom(event.deltaY < 0 ? STEP : 1 / STEP, p.x, p.y);
    }, { passive: false });
    var pointers = {}, moved = false, spread = 0;
    function distance() {
      var ids = Object.keys(pointers);
      if (ids.length < 2) return 0;
      var a = pointers[ids[0]], b = pointers[ids[1]];
      return Math.hypot(a.x - b.x, a.y - b.y);
    }
    canvas.addEventListener("pointerdown", function (event) {
      if (!chart.on) return; // not zooming: touch scrolls the page, a click opens a box
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      moved = false;
      spread = distance();
    });
    canvas.addEventListener("pointermove", function (event) {
      var last = pointers[event.pointerId];
      if (!last) return;
      var dx = event.clientX - last.x, dy = event.clientY - last.y;
      if (!moved && Math.hypot(dx, dy) < 4) return; // a click on a box, not a drag
      if (!moved) { moved = true; try { canvas.setPointerCapture(event.pointerId); } catch (e) { /* gone */ } }
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      if (Object.keys(pointers).length > 1) {
        var now = distance();
        if (spread && now) {
          var p = chart.point(event.clientX, event.clientY);
          chart.zoom(now / spread, p.x, p.y);
        }
        spread = now;
      } else {
        chart.pan(dx, dy);
      }
    });
    function up(event) {
      delete pointers[event.pointerId];
      spread = distance();
    }
    canvas.addEventListener("pointerup", up);
    canvas.addEventListener("pointercancel", up);
    canvas.addEventListener("click", function (event) {
      if (moved) { event.preventDefault(); event.stopPropagation(); moved = false; } // a drag is no click
    }, true);
    window.addEventListener("resize", function () {
      if (chart.on) chart.fit();
    });
    window.addEventListener("beforeprint", function () { // paper gets the whole diagram
      chart.svg.setAttribute("viewBox", [chart.whole.x, chart.whole.y, chart.whole.w, chart.whole.h].join(" "));
      chart.svg.style.height = "";
    });
    window.addEventListener("afterprint", function () { if (chart.on) chart.fitView(); });
  };

  /* `?focus=<role id>`: the box of that role in the first chart that links to it */
  function focusFromAddress(charts) {
    var id = new URLSearchParams(window.location.search).get("focus");
    if (!id || !/^[a-z0-9][a-z0-9-]*$/.test(id)) return;
    var page = new RegExp("(^|/)roles/" + id + "(/|/index\\.html|\\.html)?$");
    for (var i = 0; i < charts.length; i++) {
      var links = charts[i].svg.querySelectorAll("a");
      for (var j = 0; j < links.length; j++) {
        var href = links[j].getAttribute("href") || links[j].getAttribute("xlink:href") || "";
        if (page.test(href)) {
          charts[i].figure.scrollIntoView({ block: "start" });
          charts[i].focus(links[j]);
          return;
        }
      }
    }
  }

  ready(function () {
    var style = document.createElement("style");
    style.textContent = STYLE;
    document.head.appendChild(style);
    var links = document.querySelectorAll("a.playbook-diagram__focus[data-focus]");
    for (var k = 0; k < links.length; k++) {
      links[k].href = links[k].href.split("?")[0] + "?focus=" + encodeURIComponent(links[k].getAttribute("data-focus"));
    }
    var charts = [];
    var figures = document.querySelectorAll("figure.playbook-diagram");
    for (var i = 0; i < figures.length; i++) {
      var chart = new Chart(figures[i]);
      if (!chart.svg || !chart.whole) continue;
      charts.push(chart);
      // the full org chart always gets its tools: finding one's own box is what it is for
      if (chart.wide()) chart.enable();
      else if (figures[i].getAttribute("data-diagram") === "org-chart") chart.offer();
    }
    focusFromAddress(charts);
  });
})();
