/* geo atlas, keys.js: the page for a keyboard and a screen reader.  The skip link (the
 * page's first Tab stop) takes the reader to the search box, which is the second (it
 * sits in the header right after the title: geo/render/page.py); the map's controls
 * come before its markers in the Tab order; shapes (countries, a query's circle and
 * lines, a measured line) are never Tab stops; Escape closes what is open (the menu,
 * the bottom sheet, the popup, the legend), one at a time, and focus goes back to
 * what opened it.
 */
(function (lib) {
  'use strict';

  var SKIP = 'atlas-skip'; // the skip link's id (geo/render/page.py writes it)
  var SEARCH = 'atlas-search-input'; // the search box's id, which the skip link points to

  /** Whether an element is still in the page and shown: focus can go there. */
  function focusable(el) {
    return !!el && el.isConnected && el !== document.body && el.getClientRects().length > 0;
  }

  /** Focus an element without scrolling the page; false when it cannot take focus now. */
  function focusOn(el) {
    if (!focusable(el)) return false;
    el.focus({ preventScroll: true });
    return document.activeElement === el;
  }

  /** The element that stands for a place's marker on the map: its icon, or its cluster's. */
  function markerElement(app, marker) {
    if (!marker) return null;
    var el = marker.getElement && marker.getElement();
    if (focusable(el)) return el;
    var cluster = app.view && app.view.cluster;
    var parent = cluster && cluster.getVisibleParent && cluster.getVisibleParent(marker);
    return parent && parent.getElement ? parent.getElement() : null;
  }

  /** Where focus goes when a popup or the sheet closes: what opened it, else its marker. */
  function giveBack(app, opener, marker) {
    if (opener && focusOn(opener)) return;
    focusOn(markerElement(app, marker));
  }

  /** The skip link: to the search box, without touching the address (links.js reads it). */
  function skipLink(input) {
    var link = document.getElementById(SKIP);
    input.id = SEARCH;
    if (!link) return;
    link.addEventListener('click', function (e) {
      e.preventDefault();
      input.focus();
    });
  }

  /** Shapes are drawn, not visited: no SVG path of the map is a Tab stop. */
  function shapesOutOfTabOrder(map) {
    map.on('layeradd', function (e) {
      var el = e.layer instanceof L.Path && e.layer.getElement && e.layer.getElement();
      if (el) el.setAttribute('tabindex', '-1');
    });
  }

  /** The controls before the markers in the Tab order (their corners keep their places). */
  function controlsFirst(map) {
    var container = map.getContainer();
    var controls = map._controlContainer; // Leaflet's own, holding the four corners
    if (controls && controls.parentNode === container) container.insertBefore(controls, container.firstChild);
  }

  /**
   * Popups: remember what had focus when one opened (a marker opening its popup hands
   * focus to the popup's close button); when it closes with focus inside it (its
   * close button, Escape), focus goes back there.
   */
  function popupFocus(app) {
    var opener = null;
    app.map.on('popupopen', function (e) {
      var active = document.activeElement;
      var box = e.popup.getElement();
      opener = active && active !== document.body && !(box && box.contains(active)) ? active : null;
      // opened from its marker by a key: the popup comes next, not the other markers
      var close = box && box.querySelector('.leaflet-popup-close-button');
      if (close && close !== box.firstChild) box.insertBefore(close, box.firstChild); // first, then the content
      if (opener && close && opener.classList.contains('leaflet-marker-icon')) focusOn(close);
    });
    app.map.on('popupclose', function (e) {
      var box = e.popup.getElement();
      var active = document.activeElement;
      var inside = !active || active === document.body || (box && box.contains(active));
      var back = opener;
      opener = null;
      if (inside) giveBack(app, back, e.popup._source);
    });
  }

  /**
   * A marker that had focus keeps it through a redraw: when the clusters (or a move out
   * of view and back) draw its icon again, the old icon leaves the page and focus falls
   * to the page's body; the new icon takes it back, if focus is still nowhere then.
   */
  function markerFocus(app) {
    var map = app.map;
    var last = null; // the marker whose icon had focus last
    map.getContainer().addEventListener('focusin', function (e) {
      last = null;
      map.eachLayer(function (layer) { if (layer instanceof L.Marker && layer._icon === e.target) last = layer; });
    });
    document.addEventListener('pointerdown', function () { last = null; }, true); // the reader points elsewhere
    map.on('layeradd', function (e) {
      if (e.layer !== last) return;
      var active = document.activeElement;
      if (!active || active === document.body) focusOn(last.getElement());
    });
  }

  /** The legend, when it is open in its corner of the map (not in the phone's menu); else null. */
  function openLegend(app) {
    var box = app.legend && app.legend.getContainer();
    return box && box.open && !box.closest('.atlas-menu-panel') ? box : null;
  }

  /**
   * Fold the legend: focus goes to its summary (the button that opens it) when it
   * was inside the legend, and stays where it was otherwise.
   */
  function foldLegend(box) {
    var inside = box.contains(document.activeElement);
    box.open = false;
    if (inside) focusOn(box.querySelector('summary'));
  }

  /**
   * Escape closes one thing a key: the legend when focus is in it, else the open
   * menu, the sheet, the popup, and last the legend.
   */
  function escape(app) {
    document.addEventListener('keydown', function (e) {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      var target = e.target;
      // the search box closes its own list of results first
      if (target && target.getAttribute && target.getAttribute('role') === 'combobox' &&
          target.getAttribute('aria-expanded') === 'true') return;
      var menu = app.layout && app.layout.menu;
      var legend = openLegend(app);
      if (legend && legend.contains(target)) {
        foldLegend(legend);
      } else if (menu && menu.isOpen()) {
        menu.open(false);
        menu.button.focus({ preventScroll: true });
      } else if (app.sheet && app.sheet.isOpen()) {
        app.sheet.hide();
      } else if (app.map._popup && app.map.hasLayer(app.map._popup)) {
        var popup = app.map._popup;
        var box = popup.getElement();
        var active = document.activeElement;
        app.map.closePopup(); // popupFocus gives focus back when it was inside the popup
        if (!(box && box.contains(active)) && active === document.body) giveBack(app, null, popup._source);
      } else if (legend) {
        foldLegend(legend);
      } else {
        return;
      }
      e.preventDefault();
    }, true);
  }

  /** Wire the keyboard: call before the layers are added (shapes), after the controls. */
  function Keys(app, searchInput) {
    skipLink(searchInput);
    shapesOutOfTabOrder(app.map);
    controlsFirst(app.map);
    popupFocus(app);
    markerFocus(app);
    escape(app);
  }

  lib.keys = { Keys: Keys, markerElement: markerElement, giveBack: giveBack };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
