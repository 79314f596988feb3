/* geo atlas, decode.js: the data document's compact forms (geo.render writes them):
 * polyline-coded positions, dictionary- or front-coded strings, the table of places.
 */
(function (lib) {
  'use strict';

  /** Decode a polyline-algorithm string into [lat, lon] pairs (grid of `scale` per degree). */
  function polyline(str, scale) {
    var out = [];
    var i = 0;
    var lat = 0;
    var lon = 0;
    function next() {
      var result = 0;
      var shift = 0;
      var b;
      do {
        b = str.charCodeAt(i++) - 63;
        result |= (b & 0x1f) << shift;
        shift += 5;
      } while (b >= 0x20);
      return result & 1 ? ~(result >> 1) : result >> 1;
    }
    while (i < str.length) {
      lat += next();
      lon += next();
      out.push([lat / scale, lon / scale]);
    }
    return out;
  }

  /** A country's polygons: parts of rings, each ring polyline-coded on a 1/100 degree grid. */
  function countryRings(parts) {
    return parts.map(function (part) {
      return part.map(function (ring) { return polyline(ring, 100); });
    });
  }

  /** Strings of a table column: dictionary-coded or front-coded (geo.render._encode_strings). */
  function strings(col) {
    if (col.dict) return col.index.map(function (i) { return col.dict[i]; });
    var out = new Array(col.rest.length);
    var prev = '';
    for (var i = 0; i < out.length; i++) {
      prev = prev.slice(0, col.front[i]) + col.rest[i];
      out[i] = prev;
    }
    return out;
  }

  /**
   * The places of the data document: its lines as they are, or objects made from
   * the compact table (each place shares its profile's rows and life).
   */
  function readPlaces(data) {
    if (!data.table) return data.places;
    var t = data.table;
    var ids = strings(t.id);
    var names = strings(t.name);
    var pos = polyline(t.coords, t.scale);
    var out = new Array(t.n);
    for (var i = 0; i < t.n; i++) {
      var pr = t.profiles[t.profile[i]];
      out[i] = {
        id: ids[i], name: names[i], lat: pos[i][0], lon: pos[i][1],
        kind: pr.kind, status: pr.status, region: pr.region, country: pr.country,
        source: pr.source, href: pr.href, terms: pr.terms, rows: pr.rows, fold: pr.fold, life: pr.life
      };
      if (pr.also) out[i].also = pr.also;
    }
    return out;
  }

  /** Decimals that show a position as precisely as the data document has it. */
  function decimals(data) {
    return data.table ? Math.round(Math.log10(data.table.scale)) : 5;
  }

  lib.decode = {
    polyline: polyline,
    countryRings: countryRings,
    strings: strings,
    readPlaces: readPlaces,
    decimals: decimals
  };
})(globalThis.geoAtlasLib = globalThis.geoAtlasLib || {});
