/* The HTML edition's reader aids, inlined into report.html by the renderer. Progressive enhancement:
   without this script everything is shown and every link works; with it, the reader can search and
   filter the initiatives, the sidebar marks the current section, and a figure quoted in the text
   shows where it comes from. No network, no storage: the page stays one offline file. */
(function () {
  "use strict";

  /* ---- Search and filters over the compilation of initiatives ---------------------------------- */
  var FACETS = [
    ["country", "Member State"],
    ["cluster", "Cluster"],
    ["constituency", "Reported by"],
    ["status", "Status"],
    ["gender", "Gender"],
  ];

  function text(node) {
    return (node.textContent || "").replace(/\s+/g, " ").trim();
  }

  function clusterTitles(items) {
    // "A" -> "A – Information dissemination…", taken from the cluster's own heading.
    var titles = {};
    items.forEach(function (li) {
      var letter = li.dataset.cluster;
      if (titles[letter]) return;
      var section = li.closest("section.level-3");
      var heading = section && section.querySelector("h3");
      titles[letter] = heading ? text(heading).replace(/^[\d.]+\s*/, "").replace(/^Cluster\s+/, "") : letter;
    });
    return titles;
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) { node.append(child); });
    return node;
  }

  function setUpFilters() {
    var items = Array.prototype.slice.call(document.querySelectorAll(".initiatives li[data-country]"));
    if (!items.length) return;
    var chapter = items[0].closest("section.level-2");
    var titles = clusterTitles(items);
    var searchable = items.map(function (li) { return text(li).toLowerCase(); });

    var form = element("form", { role: "search", "aria-labelledby": "finder-title", class: "finder-form" });
    var search = element("input", { type: "search", id: "finder-text", autocomplete: "off" });
    form.append(element("div", { class: "finder-field finder-text" }, [element("label", { for: "finder-text" }, ["Words"]), search]));
    var selects = {};
    FACETS.forEach(function (facet) {
      var name = facet[0];
      var counts = {};
      items.forEach(function (li) { counts[li.dataset[name]] = (counts[li.dataset[name]] || 0) + 1; });
      var select = element("select", { id: "finder-" + name });
      select.append(element("option", { value: "" }, ["All"]));
      Object.keys(counts).sort().forEach(function (value) {
        var label = name === "cluster" ? value + " – " + titles[value] : value;
        select.append(element("option", { value: value }, [label + " (" + counts[value] + ")"]));
      });
      selects[name] = select;
      form.append(element("div", { class: "finder-field" }, [element("label", { for: select.id }, [facet[1]]), select]));
    });
    var clear = element("button", { type: "reset" }, ["Show all"]);
    form.append(element("div", { class: "finder-field finder-actions" }, [clear]));
    var status = element("p", { class: "finder-status", role: "status", "aria-live": "polite" });
    var panel = element("section", { class: "finder", id: "find-initiatives", "aria-labelledby": "finder-title" }, [
      element("h3", { id: "finder-title", class: "no-toc" }, ["Find initiatives"]),
      element("p", { class: "finder-help" }, ["Filter the " + items.length + " initiatives compiled in this chapter; while a filter is set, only the matching initiatives and their headings are shown."]),
      form,
      status,
    ]);
    var heading = chapter.querySelector("h2");
    heading.after(panel);

    var sidebarList = document.querySelector(".sidebar-downloads");
    if (sidebarList) {
      sidebarList.before(element("p", { class: "sidebar-finder" }, [element("a", { href: "#find-initiatives" }, ["Find initiatives"])]));
    }

    function apply() {
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = {};
      FACETS.forEach(function (facet) { if (selects[facet[0]].value) wanted[facet[0]] = selects[facet[0]].value; });
      var active = words.length > 0 || Object.keys(wanted).length > 0;
      var shown = 0;
      items.forEach(function (li, index) {
        var ok = Object.keys(wanted).every(function (name) { return li.dataset[name] === wanted[name]; }) &&
          words.every(function (word) { return searchable[index].indexOf(word) !== -1; });
        li.hidden = !ok;
        if (ok) shown += 1;
      });
      chapter.classList.toggle("filtering", active);
      chapter.querySelectorAll("section").forEach(function (section) {
        if (section === panel) return;
        var any = section.querySelector(".initiatives li[data-country]:not([hidden])");
        section.classList.toggle("no-match", active && !any);
      });
      status.textContent = active
        ? "Showing " + shown + " of " + items.length + " initiatives."
        : "Showing all " + items.length + " initiatives.";
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    apply();
  }

  /* ---- The sidebar marks the section being read ------------------------------------------------ */
  function setUpCurrentSection() {
    var sidebar = document.querySelector(".sidebar");
    if (!sidebar || !("IntersectionObserver" in window)) return;
    var links = {};
    sidebar.querySelectorAll('a[href^="#sec-"]').forEach(function (a) { links[a.getAttribute("href").slice(1)] = a; });
    var sections = Object.keys(links).map(function (id) { return document.getElementById(id); }).filter(Boolean);
    var current = null;

    function mark() {
      var line = window.innerHeight * 0.25;
      var found = null;
      sections.forEach(function (section) {
        if (section.getBoundingClientRect().top <= line && section.offsetParent !== null) found = section;
      });
      var link = found ? links[found.id] : null;
      if (link === current) return;
      if (current) current.removeAttribute("aria-current");
      current = link;
      if (!link) return;
      link.setAttribute("aria-current", "location");
      if (getComputedStyle(sidebar).position === "fixed") {
        var box = link.getBoundingClientRect(), frame = sidebar.getBoundingClientRect();
        if (box.top < frame.top || box.bottom > frame.bottom) sidebar.scrollTop += box.top - frame.top - frame.height / 3;
      }
    }

    var observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -75% 0px" });
    sections.forEach(function (section) { observer.observe(section); });
    mark();
  }

  /* ---- A figure quoted in the text says where it comes from ------------------------------------ */
  function setUpFactSources() {
    document.querySelectorAll(".fact[data-source]").forEach(function (fact) {
      fact.setAttribute("tabindex", "0");
      fact.setAttribute("role", "button");
      fact.setAttribute("aria-expanded", "false");
      function toggle() {
        var open = fact.nextElementSibling && fact.nextElementSibling.classList.contains("fact-source");
        if (open) {
          fact.nextElementSibling.remove();
          fact.setAttribute("aria-expanded", "false");
          return;
        }
        var note = element("span", { class: "fact-source", role: "note" }, [fact.dataset.source]);
        if (fact.dataset.href) {
          note.append(" ", element("a", { href: fact.dataset.href }, [fact.dataset.hrefText || "See the source"]));
        }
        fact.after(note);
        fact.setAttribute("aria-expanded", "true");
      }
      fact.addEventListener("click", toggle);
      fact.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); }
      });
    });
  }

  /* ---- On a small screen: the contents fold away, back-to-top appears once the reader scrolls ---- */
  function setUpSmallScreen() {
    var small = window.matchMedia("(max-width: 63.99rem)");
    var sidebar = document.querySelector(".sidebar");
    var top = document.querySelector(".back-to-top");
    if (sidebar) {
      var list = sidebar.querySelector(":scope > ol");
      list.id = list.id || "sidebar-contents";
      var toggle = element("button", { type: "button", class: "sidebar-toggle", "aria-controls": list.id }, ["Contents"]);
      sidebar.querySelector(".sidebar-title").after(toggle);
      var fold = function (folded) {
        sidebar.classList.toggle("folded", folded);
        toggle.setAttribute("aria-expanded", String(!folded));
      };
      toggle.addEventListener("click", function () { fold(!sidebar.classList.contains("folded")); });
      sidebar.addEventListener("click", function (event) {
        if (small.matches && event.target.closest("a")) fold(true);
      });
      fold(small.matches);
      small.addEventListener("change", function () { fold(small.matches); });
    }
    if (top) {
      var place = function () { top.classList.toggle("at-top", window.scrollY < window.innerHeight); };
      window.addEventListener("scroll", place, { passive: true });
      place();
    }
  }

  function start() {
    setUpFilters();
    setUpCurrentSection();
    setUpFactSources();
    setUpSmallScreen();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
