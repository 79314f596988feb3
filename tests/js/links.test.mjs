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
