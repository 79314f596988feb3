// search.js: finding shown places by the folded words of their text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './load.mjs';

const { search } = load('util.js', 'search.js');

const PLACES = [
  { id: 'horgos', name: 'Horgoš – Röszke', country: 'Hungary', terms: 'E75 motorway', on: true },
  { id: 'kapikule', name: 'Kapıkule – Kapitan Andreevo', country: 'Türkiye', terms: '', on: true },
  { id: 'rocb-europe', name: 'ROCB Europe', country: 'Azerbaijan', terms: 'Baku', on: true },
  { id: 'rilo-ece', name: 'RILO Eastern and Central Europe', country: 'Poland', terms: 'Warsaw', on: true },
  { id: 'hidden', name: 'Europe hidden', country: 'Nowhere', terms: '', on: false },
];
const ids = (query) => Array.from(search.find(PLACES, query), (p) => p.id);

test('search ignores accents, case and the dotless i', () => {
  assert.deepEqual(ids('HORGOS roszke'), ['horgos']);
  assert.deepEqual(ids('kapikule'), ['kapikule']);
  assert.deepEqual(ids('türkiye'), ['kapikule']);
});

test('every word must match the name, id, country or terms', () => {
  assert.deepEqual(ids('europe baku'), ['rocb-europe']);
  assert.deepEqual(ids('e75'), ['horgos']);
  assert.deepEqual(ids('rocb-'), ['rocb-europe']);
  assert.deepEqual(ids('europe tokyo'), []);
});

test('names that start with the first word come first, then by name', () => {
  assert.deepEqual(ids('europe'), ['rilo-ece', 'rocb-europe']);
  assert.deepEqual(ids('r'), ['rilo-ece', 'rocb-europe', 'horgos', 'kapikule']);
});

test('hidden places are not found, and blank queries find nothing', () => {
  assert.ok(!ids('hidden').includes('hidden'));
  assert.deepEqual(ids('   '), []);
  assert.deepEqual(ids(''), []);
});

test('a place\'s search text is folded once and kept', () => {
  const p = { id: 'x', name: 'Çé', country: null, terms: undefined };
  assert.equal(search.searchText(p), 'ce x   ');
  p.name = 'changed';
  assert.equal(search.searchText(p), 'ce x   ');
});

test('a place is found by its kind\'s name in the map\'s language (BRRC finds the ROCBs)', () => {
  const rocb = { label: 'Bureau régional de renforcement des capacités (BRRC)' };
  const rtc = { label: 'Centre régional de formation (CRF)' };
  const places = [
    { id: 'rocb-europe', name: 'Bureau pour l\u2019Europe', country: 'Azerbaïdjan', terms: 'Baku Bakou', kindInfo: rocb, on: true },
    { id: 'rocb-ap', name: 'Asie/Pacifique', country: 'Thaïlande', terms: 'Bangkok', kindInfo: rocb, on: true },
    { id: 'rtc-azerbaijan', name: 'Azerbaïdjan', country: 'Azerbaïdjan', terms: 'Baku Bakou', kindInfo: rtc, on: true },
  ];
  const found = (q) => Array.from(search.find(places, q), (p) => p.id);
  assert.deepEqual(found('BRRC'), ['rocb-ap', 'rocb-europe']);
  assert.deepEqual(found('crf'), ['rtc-azerbaijan']);
  assert.deepEqual(found('bakou brrc'), ['rocb-europe']);
  assert.deepEqual(found('capacites'), ['rocb-ap', 'rocb-europe']); // accents aside
});

test('with `all`, places that are not shown are found too', () => {
  assert.deepEqual(Array.from(search.find(PLACES, 'europe', true), (p) => p.id), ['hidden', 'rilo-ece', 'rocb-europe']);
});

test('a name of a megabyte is searched by its first characters, each keystroke in milliseconds', () => {
  const huge = { id: 'huge', name: 'Bureau d\u2019Étude régional '.repeat(40000), country: 'X', terms: '', on: true };
  const places = [...PLACES, huge];
  const t0 = performance.now();
  assert.deepEqual(Array.from(search.find(places, 'bureau d\u2019etude'), (p) => p.id), ['huge']);
  for (let i = 0; i < 50; i++) search.find(places, 'bureau ' + 'x'.repeat(i));
  search.find(places, 'régional '.repeat(100000)); // a pasted megabyte
  assert.ok(performance.now() - t0 < 1000);
  assert.ok(huge.search.length < 5000); // what it is found by: a capped prefix, folded once
});
