// links.js: the deep links' hash, read and written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, plain } from './load.mjs';

const { links } = load('util.js', 'links.js');

const EMPTY = { view: null, place: null, year: null, hide: [], hideRegions: [], hideStatus: [] };

test('a place and a year', () => {
  assert.deepEqual(plain(links.parse('#place=rocb-europe&year=2010')), { ...EMPTY, place: 'rocb-europe', year: 2010 });
  assert.equal(links.format({ place: 'rocb-europe', year: 2010 }), '#place=rocb-europe&year=2010');
});

test('a view and filters, in the canonical order', () => {
  const hash = '#map=5.25/40.3777/49.892&year=1999&hide=border_post,rilo&hideregions=AP,none&hidestatus=unknown';
  const s = links.parse(hash);
  assert.deepEqual(plain(s), {
    view: { zoom: 5.25, lat: 40.3777, lon: 49.892 }, place: null, year: 1999,
    hide: ['border_post', 'rilo'], hideRegions: ['AP', null], hideStatus: ['unknown'],
  });
  assert.equal(links.format(s), hash);
  // the order of the keys in a hand-made link does not matter; the written one is canonical
  assert.equal(links.format(links.parse('hidestatus=unknown&year=1999&map=5.25/40.3777/49.892')),
    '#map=5.25/40.3777/49.892&year=1999&hidestatus=unknown');
});

test('an open place leaves the view out: the place decides it', () => {
  assert.equal(links.format({ view: { zoom: 3, lat: 1, lon: 2 }, place: 'x' }), '#place=x');
  assert.equal(links.format({ view: { zoom: 3.256, lat: 1.234567, lon: -2 } }), '#map=3.26/1.2346/-2');
  assert.equal(links.format({}), '');
});

test('any id or code survives the round trip, percent-encoded', () => {
  for (const id of ['<img src=x onerror=alert(1)>', 'a&b=c', 'x,y', '#hash', 'déjà vu', '__proto__', '%41', 'a/b']) {
    const hash = links.format({ place: id, hide: [id, 'k'] });
    assert.doesNotMatch(hash.slice(1), /[<> #]/);
    const back = links.parse(hash);
    assert.equal(back.place, id);
    assert.deepEqual(plain(back.hide), [id, 'k']);
    assert.equal(links.format(back), hash);
  }
});

test('bad parts are left out, never thrown', () => {
  assert.deepEqual(plain(links.parse('#map=1/2&year=twenty&place=%E0%A4%A&hide=%ZZ&x=1&=&&junk')), EMPTY);
  assert.deepEqual(plain(links.parse('#map=3/95/10')), EMPTY); // latitude out of range
  assert.deepEqual(plain(links.parse('')), EMPTY);
  assert.deepEqual(plain(links.parse(null)), EMPTY);
});

// ---- hostile addresses: every value checked before the page uses it

/** A page's limits for check(): the map's zooms, a timeline, its world, its codes. */
function limits(extra) {
  const codes = {
    place: new Set(['rocb-europe', 'samur', '__proto__']),
    kind: new Set(['rocb', 'border_post']),
    region: new Set(['EUR', 'AP', null]),
    status: new Set(['operational', 'unknown']),
  };
  return { minZoom: 0, maxZoom: 18, first: 1952, last: 2025, centreLon: 0, has: (k, c) => codes[k].has(c), ...extra };
}

test('the attack: a longitude of 1e308 and other numbers no map can show are left out', () => {
  for (const hash of ['#map=5/45/1e308', '#map=5/45/-1e308', '#map=5/45/Infinity', '#map=5/45/NaN',
    '#map=5/1e308/0', '#map=5//0', '#map=//', '#map=5/45/0x10', '#map=5/45/ 1', '#map=5/45/1e',
    '#map=5/45/1_0', '#map=5/45/541', '#map=5/90.0001/0', '#map=5/45/' + '9'.repeat(400),
    '#map=٥/٤٥/١', '#map=5/45/1/2', '#map=5/45/１']) {
    assert.equal(links.parse(hash).view, null, hash);
  }
  // a zoom the map does not have is left out by check(), not clamped
  for (const hash of ['#map=1e308/0/0', '#map=-1/0/0', '#map=18.5/0/0', '#map=-1e308/0/0']) {
    assert.notEqual(links.parse(hash).view, null, hash);
    assert.equal(links.parse(hash, limits()).view, null, hash);
  }
  assert.deepEqual(plain(links.parse('#map=5/-0/-0', limits()).view), { zoom: 5, lat: 0, lon: 0 });
  assert.ok(Object.is(links.parse('#map=-0/-0/-0', limits()).view.lon, 0));
  assert.deepEqual(plain(links.parse('#map=.5/+1.5e1/-2.', limits()).view), { zoom: 0.5, lat: 15, lon: -2 });
});

test('a longitude is moved into the world the page draws', () => {
  assert.equal(links.parse('#map=5/45/190', limits()).view.lon, -170);
  assert.equal(links.parse('#map=5/45/-540', limits()).view.lon, -180);
  assert.equal(links.parse('#map=5/45/540', limits()).view.lon, -180);
  // a Pacific map (geo.render.view: its world centred on 178.9) keeps its shifted longitudes
  const pacific = limits({ centreLon: links.centreLon([[-20, 177.4], [-10, 180.4]]) });
  assert.equal(pacific.centreLon, 178.9);
  assert.equal(links.parse('#map=5/-14/188.24', pacific).view.lon, 188.24);
  assert.ok(Math.abs(links.parse('#map=5/-14/-171.76', pacific).view.lon - 188.24) < 1e-9);
  assert.equal(links.centreLon([[30, -10], [60, 20]]), 0);
  assert.equal(links.centreLon(undefined), 0);
});

test('a year, a place and filters the page does not have are left out', () => {
  const s = links.parse('#place=nowhere&year=1951&hide=rocb,rilo,__proto__&hideregions=none,XX,EUR&hidestatus=gone', limits());
  assert.deepEqual(plain(s), { ...EMPTY, hide: ['rocb'], hideRegions: [null, 'EUR'] });
  assert.equal(links.parse('#year=2026', limits()).year, null);
  assert.equal(links.parse('#year=2025', limits()).year, 2025);
  assert.equal(links.parse('#year=2000', limits({ first: null, last: null })).year, null); // no timeline
  assert.equal(links.parse('#place=__proto__', limits()).place, '__proto__');
  assert.equal(links.parse('#place=constructor', limits()).place, null);
});

/** A seeded random generator (mulberry32): the same hashes on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMBERS = ['0', '-0', '+0', '5', '5.25', '-90', '90', '90.0001', '180', '-180', '539.9', '541', '1e308', '-1e308',
  '1e-400', '1e400', '4.9e-324', 'NaN', 'Infinity', '-Infinity', '', ' ', '0x1F', '0b1', '1_000', '.', '.5', '5.',
  '1e', 'e5', '١٢', '１２', '%35', '5%', '\u00a05', '9'.repeat(33), '1'.repeat(5000), '18', '18.01', '-0.0001'];
const WORDS = ['rocb-europe', 'samur', '__proto__', 'constructor', 'rocb', 'border_post', 'EUR', 'AP', 'none',
  'operational', 'unknown', '%', '%E0%A4%A', '%ZZ', '%00', '%F0%9F%8C%8D', 'd%C3%A9j%C3%A0', 'é', '🌍', '\u202e',
  '<img src=x onerror=alert(1)>', 'a,b', ',,', '', '=', '&', '#', '/', 'x'.repeat(100000)];
const KEYS = ['map', 'place', 'year', 'hide', 'hideregions', 'hidestatus', 'MAP', 'map ', '', 'x'];

function pick(rnd, list) { return list[Math.floor(rnd() * list.length)]; }

/** A hostile hash: a few parts, each a key and a value made of the lists above. */
function hostileHash(rnd) {
  const parts = [];
  const n = 1 + Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) {
    const key = pick(rnd, KEYS);
    let value;
    if (key === 'map' && rnd() < 0.8) value = [0, 1, 2].map(() => pick(rnd, NUMBERS)).join('/');
    else if (key === 'year' && rnd() < 0.6) value = rnd() < 0.5 ? String(1900 + Math.floor(rnd() * 200)) : pick(rnd, NUMBERS);
    else value = [0, 1, 2].slice(0, 1 + Math.floor(rnd() * 3)).map(() => pick(rnd, rnd() < 0.5 ? WORDS : NUMBERS)).join(',');
    parts.push(rnd() < 0.05 ? value : key + '=' + value);
  }
  return (rnd() < 0.5 ? '#' : '') + parts.join(rnd() < 0.95 ? '&' : '&&');
}

test('5000 hostile hashes: never a throw, only values the page can use, a stable link', () => {
  const rnd = random(26);
  const lim = limits();
  for (let i = 0; i < 5000; i++) {
    const hash = hostileHash(rnd);
    const s = links.parse(hash, lim);
    const v = s.view;
    if (v !== null) {
      assert.ok([v.zoom, v.lat, v.lon].every(Number.isFinite), hash);
      assert.ok(v.zoom >= 0 && v.zoom <= 18 && v.lat >= -90 && v.lat <= 90 && v.lon >= -180 && v.lon < 180, hash);
    }
    assert.ok(s.year === null || (Number.isInteger(s.year) && s.year >= 1952 && s.year <= 2025), hash);
    assert.ok(s.place === null || lim.has('place', s.place), hash);
    assert.ok(s.hide.every((c) => lim.has('kind', c)), hash);
    assert.ok(s.hideRegions.every((c) => lim.has('region', c)), hash);
    assert.ok(s.hideStatus.every((c) => lim.has('status', c)), hash);
    // what the page writes back reads as the same link
    const link = links.format(s);
    assert.equal(links.format(links.parse(link, lim)), link, hash);
  }
});

test('a language link keeps the view with an open place, and reads back whole', () => {
  const s = { view: { zoom: 6, lat: 40.3777, lon: 49.892 }, place: 'rocb-europe', year: 2010, hide: ['rilo'] };
  const hash = links.format(s, true);
  assert.equal(hash, '#map=6/40.3777/49.892&place=rocb-europe&year=2010&hide=rilo');
  assert.deepEqual(plain(links.parse(hash)), { ...EMPTY, view: s.view, place: 'rocb-europe', year: 2010, hide: ['rilo'] });
  assert.equal(links.format(s), '#place=rocb-europe&year=2010&hide=rilo'); // the page's own address: the place decides
});
