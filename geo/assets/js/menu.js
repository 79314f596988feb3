/* geo atlas, menu.js: the menu of a narrow screen (a phone).  A button (top right)
 * and a panel into which the legend, the timeline and the layers fold (layout.js
 * folds them when the screen is narrow); Escape or its close button closes it.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;

  /** Moves controls into a panel and back to where they were: {fold(on)}. */
  function Folder(app, panel, controls) {
    var homes = [];
    return function fold(on) {
      if (on && !homes.length) {
        controls().forEach(function (ctl) {
          var el = ctl.getContainer();
          homes.push({ el: el, parent: el.parentNode, next: el.nextSibling, open: el.open });
          if (el.open === false) el.open = true; // the legend: the menu is where one reads it
          panel.appendChild(el);
        });
      } else if (!on && homes.length) {
        homes.reverse().forEach(function (home) {
          home.parent.insertBefore(home.el, home.next);
          if (home.open !== undefined) home.el.open = home.open || lib.legend.opensAtFirst(app);
        });
        homes = [];
      }
    };
  }

  /** The menu's button (top right) and panel. */
  function menuParts(app) {
    var t = function (id) { return util.t(app, id); };
    var button = h('button', {
      type: 'button', className: 'atlas-button atlas-menu-button',
      attrs: { 'aria-expanded': 'false', 'aria-controls': 'atlas-menu-panel' }
    });
    button.innerHTML = lib.symbols.ICONS.menu; // constant markup
    var label = h('span', { textContent: t('menu.open') });
    button.appendChild(label);
    var panel = h('div', { id: 'atlas-menu-panel', className: 'atlas-menu-panel', hidden: true, attrs: { role: 'region', 'aria-label': t('menu.label') } });
    var close = h('button', { type: 'button', className: 'atlas-close', textContent: '\u00d7', title: t('menu.close'), attrs: { 'aria-label': t('menu.close') } });
    panel.appendChild(h('div', { className: 'atlas-menu-head' }, [close]));
    util.isolate(panel);
    return { button: button, label: label, panel: panel, close: close };
  }

  /** The menu: a button (top right) and a panel that holds the given controls on a narrow screen. */
  function Menu(app, controls) {
    var t = function (id, params) { return util.t(app, id, params); };
    var ui = menuParts(app);
    var button = ui.button, panel = ui.panel;
    var fold = Folder(app, panel, controls);
    var menu = {
      button: button,
      control: util.control({ position: 'topright' }, function () {
        var bar = h('div', { className: 'leaflet-bar atlas-buttons atlas-menu' }, [button]);
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }),
      panel: panel,
      open: function (on) {
        panel.hidden = !on;
        button.setAttribute('aria-expanded', on ? 'true' : 'false');
        if (on && app.layersControl) app.layersControl.expand();
      },
      isOpen: function () { return !panel.hidden; },
      /** Move the controls into the panel (narrow) or back to their corners. */
      fold: function (on) {
        fold(on);
        if (!on) menu.open(false);
      },
      /** The button says the timeline's year when one is set (the menu holds the timeline). */
      relabel: function () {
        var year = app.timeline.year();
        ui.label.textContent = year === null ? t('menu.open') : String(year);
        if (year === null) {
          button.removeAttribute('title');
          button.removeAttribute('aria-label');
        } else {
          button.title = t('menu.year', { year: year });
          button.setAttribute('aria-label', button.title);
        }
      }
    };
    button.addEventListener('click', function () { menu.open(panel.hidden); });
    ui.close.addEventListener('click', function () { menu.open(false); button.focus(); });
    panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') { menu.open(false); button.focus(); } });
    return menu;
  }

  lib.menu = { Menu: Menu };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
