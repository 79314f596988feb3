/* geo atlas, symbols.js: the SVG symbols of places (shape and colour by kind, style by
 * status), the markers' icons, and the buttons' icons.  All markup here
 * is constant or built from checked numbers and colours.
 */
(function (lib) {
  'use strict';

  var util = lib.util;
  var h = util.h;
  var SHAPES = {
    circle: '<circle cx="12" cy="12" r="8.5"/>',
    square: '<rect x="4" y="4" width="16" height="16" rx="1.5"/>',
    triangle: '<path d="M12 2.8 21.6 19.8H2.4Z"/>',
    diamond: '<path d="M12 2 22 12 12 22 2 12Z"/>',
    star: '<path d="M12 2.3 14.59 9.24 21.99 9.56 16.18 14.16 18.17 21.29 12 17.2 5.83 21.29 7.82 14.16 2.01 9.56 9.41 9.24Z"/>',
    pentagon: '<path d="M12 3.1 21.04 9.66 17.58 20.29H6.42L2.96 9.66Z"/>'
  };
  var ICONS = {
    fullscreen: '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" fill="none" stroke="currentColor" stroke-width="2.2"/></svg>',
    play: '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path d="M7 4.5v15l12-7.5Z" fill="currentColor"/></svg>',
    pause: '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path d="M6 4.5h4v15H6zM14 4.5h4v15h-4z" fill="currentColor"/></svg>',
    menu: '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="M4 6h16M4 12h16M4 18h16" stroke="currentColor" stroke-width="2.2"/></svg>',
    target: '<svg viewBox="0 0 26 26" width="26" height="26" aria-hidden="true" focusable="false"><circle cx="13" cy="13" r="7" fill="#ffffff" fill-opacity="0.7" stroke="#ad1457" stroke-width="2.5"/><path d="M13 1v7M13 18v7M1 13h7M18 13h7" stroke="#ad1457" stroke-width="2.5"/></svg>',
    measure: '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="M3 16 16 3l5 5L8 21Z" fill="none" stroke="currentColor" stroke-width="2"/><path d="M7 12l2 2M10 9l2 2M13 6l2 2" stroke="currentColor" stroke-width="2"/></svg>'
  };

  /** Constant SVG markup of a symbol: shape and colour from the legend, style from status. */
  function symbolSvg(kind, status, size) {
    var shape = SHAPES[kind.shape] || SHAPES.pentagon;
    var color = util.safeColor(kind.color, '#5d6d7e');
    var fill = color;
    var stroke = '#17202a';
    var extra = '';
    var dash = '';
    if (status === 'planned') {
      fill = '#ffffff';
      stroke = color;
      dash = ' stroke-dasharray="3 2"';
    } else if (status === 'closed') {
      fill = '#a6acaf';
      stroke = '#566573';
    } else if (status === 'under_construction') {
      extra = '<g fill="url(#atlas-stripes)" stroke="none">' + shape + '</g>';
    } else if (status === 'unknown') {
      // possibly open (the dates are not known): a pale fill with a dotted outline
      fill = util.tint(color, 0.6);
      stroke = color;
      dash = ' stroke-dasharray="1.6 1.8"';
    }
    var s = Math.max(8, Math.min(64, Number(size) || 18));
    return '<svg xmlns="' + util.SVGNS + '" viewBox="0 0 24 24" width="' + s + '" height="' + s +
      '" aria-hidden="true" focusable="false"><g stroke-linejoin="round">' +
      '<g fill="' + fill + '" stroke="#ffffff" stroke-width="4.2">' + shape + '</g>' +
      '<g fill="' + fill + '" stroke="' + stroke + '" stroke-width="' + (status === 'planned' ? 2.4 : 1.4) + '"' + dash + '>' + shape + '</g>' +
      extra + '</g></svg>';
  }

  function symbolNode(kind, status, size) {
    var span = h('span', { className: 'atlas-symbol' });
    span.innerHTML = symbolSvg(kind, status, size); // constant markup, see symbolSvg
    return span;
  }

  // Grounds of the non-members' hatchings, one per colour index (constants: no data in them).
  var HATCH_GROUNDS = ['#ebe9e4', '#e1dccd', '#e6eadb', '#efe3d6', '#dde1e5'];

  /** The patterns the symbols and the basemap refer to (hatching, stripes), once per page. */
  function defs() {
    var svg = document.createElementNS(util.SVGNS, 'svg');
    svg.setAttribute('class', 'atlas-defs');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('width', '0');
    svg.setAttribute('height', '0');
    svg.innerHTML = // constant markup
      '<defs>' +
      '<pattern id="atlas-hatch" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">' +
      '<rect width="7" height="7" fill="#ebe9e4"/><rect width="2" height="7" fill="#c4c0b8"/></pattern>' +
      HATCH_GROUNDS.map(function (ground, i) { // a non-member's hatching, on its own ground (layers.js)
        return '<pattern id="atlas-hatch-' + i + '" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">' +
          '<rect width="7" height="7" fill="' + ground + '"/><rect width="2" height="7" fill="#c4c0b8"/></pattern>';
      }).join('') +
      '<pattern id="atlas-stripes" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)">' +
      '<rect width="2.2" height="5" fill="#ffffff" fill-opacity="0.85"/></pattern>' +
      '</defs>';
    document.body.appendChild(svg);
  }

  /** One divIcon per kind, status and emphasis, shared by every marker that looks so (app.icons). */
  function iconFor(app, p, status) {
    var dim = !!app.focus && p.region !== app.focus;
    var key = p.kind + '\u0000' + status + '\u0000' + dim;
    var icon = app.icons.get(key);
    if (!icon) {
      var kind = p.kindInfo;
      var size = kind.size;
      icon = L.divIcon({
        html: symbolSvg(kind, status, size),
        className: 'atlas-marker' + (dim ? ' atlas-dim' : ''),
        iconSize: [size, size],
        iconAnchor: [size / 2, size / 2],
        popupAnchor: [0, -size / 2],
        tooltipAnchor: [0, -size / 2]
      });
      app.icons.set(key, icon);
    }
    return icon;
  }

  lib.symbols = {
    ICONS: ICONS,
    symbolSvg: symbolSvg,
    symbolNode: symbolNode,
    defs: defs,
    iconFor: iconFor
  };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
