// labels.js: which country names show at a zoom, and how a long one wraps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, plain } from './load.mjs';

const { labels } = load('util.js', 'labels.js');
const measure = (text) => text.length * 7;

test('a long name wraps onto lines no wider than the limit', () => {
  assert.deepEqual(plain(labels.wrap('Chad', measure)), { lines: 1, width: 28 });
  assert.deepEqual(plain(labels.wrap('Congo, Democratic Republic of the', measure)), { lines: 3, width: 105 });
  assert.deepEqual(plain(labels.wrap('', measure)), { lines: 0, width: 0 });
});

test('a name shows once its country holds it, and never on another', () => {
  const big = { x: 100, y: 100, r: 10, w: 60, width: 60, lines: 1 };
  const small = { x: 100.3, y: 100, r: 0.5, w: 2, width: 40, lines: 1 };
  const far = { x: 20, y: 20, r: 2, w: 8, width: 40, lines: 1 };
  const all = [big, small, far];
  assert.deepEqual(plain(labels.place(all, 1).map((b) => b.i)), [0]); // far: too small at zoom 0
  assert.deepEqual(plain(labels.place(all, 8).map((b) => b.i)), [0, 2]); // small: too small at zoom 3
  assert.deepEqual(plain(labels.place(all, 64).map((b) => b.i)), [0, 2]); // small: it would cover big
  assert.deepEqual(plain(labels.place([small], 64).map((b) => b.i)), [0]); // alone, at zoom 6
});

test('placed boxes never overlap', () => {
  const many = Array.from({ length: 60 }, (_, i) => ({ x: (i * 37) % 256, y: (i * 53) % 256, r: 3, w: 30, width: 50 + (i % 5) * 10, lines: 1 + (i % 2) }));
  for (const scale of [1, 2, 4, 16]) {
    const boxes = labels.place(many, scale);
    for (const a of boxes) {
      for (const b of boxes) {
        if (a !== b) assert.ok(!(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
      }
    }
  }
});

test('a name keeps off the markers', () => {
  const big = { x: 100, y: 100, r: 10, w: 60, width: 60, lines: 1 };
  const marker = { left: 95, top: 95, right: 105, bottom: 105 };
  assert.deepEqual(plain(labels.place([big], 1, [marker])), []);
  assert.deepEqual(plain(labels.place([big], 1, [{ left: 200, top: 200, right: 210, bottom: 210 }])).length, 1);
});

test('a name with spots beside its symbol takes the first free one, or none', () => {
  const office = { x: 10, y: 10, r: Infinity, w: Infinity, width: 40, lines: 1, pad: 2, at: [[36, 0], [-36, 0], [0, 22.5]] };
  const symbol = { left: 629, top: 629, right: 651, bottom: 651 }; // at (640, 640) at scale 64
  assert.deepEqual(plain(labels.place([office], 64, [symbol])), [{ i: 0, pad: 2, left: 654, right: 698, top: 631.5, bottom: 648.5 }]);
  const east = { left: 665, top: 600, right: 700, bottom: 700 }; // something east of it: the name goes west
  assert.equal(labels.place([office], 64, [symbol, east])[0].right, 626);
  const west = { left: 560, top: 600, right: 615, bottom: 700 };
  assert.equal(labels.place([office], 64, [symbol, east, west])[0].top, 654); // below
  const south = { left: 560, top: 655, right: 700, bottom: 700 };
  assert.deepEqual(plain(labels.place([office], 64, [symbol, east, west, south])), []);
  const tight = { ...office, at: [[30, 0]] }; // a spot that would touch the symbol is not taken
  assert.deepEqual(plain(labels.place([tight], 64, [symbol])), []);
});

test('an office placed first keeps a country name off it', () => {
  const office = { x: 10, y: 10, r: Infinity, w: Infinity, width: 40, lines: 1, pad: 2, at: [[30, 0]] };
  const country = { x: 10.5, y: 10, r: 10, w: 60, width: 60, lines: 1 };
  assert.deepEqual(plain(labels.place([office, country], 64).map((b) => b.i)), [0]);
  assert.deepEqual(plain(labels.place([country], 64).map((b) => b.i)), [0]);
});

test('a country is named once in view: its first label inside the view wins', () => {
  const pole = { x: 200, y: 50, r: 20, w: 80, width: 60, lines: 1, key: 7 }; // out of view
  const near = { x: 40, y: 40, r: 2, w: 8, width: 60, lines: 1, key: 7 };
  const other = { x: 40.01, y: 45, r: 2, w: 8, width: 60, lines: 1, key: 8 };
  const view = { left: 0, top: 0, right: 800, bottom: 800 };
  // zoom 4: the pole (x 3200) lies outside the view, the point near the place shows
  assert.deepEqual(plain(labels.place([pole, near, other], 16, [], view).map((b) => b.i)), [1, 2]);
  // without a view, the pole is placed and the country is not named twice
  assert.deepEqual(plain(labels.place([pole, near, other], 16).map((b) => b.i)), [0, 2]);
  // a label half out of the view is not placed
  const edge = { x: 1, y: 40, r: 20, w: 80, width: 60, lines: 1 };
  assert.deepEqual(plain(labels.place([edge], 16, [], view)), []);
});

test('a town shows from its zoom, its box starting at its dot', () => {
  const town = { x: 100, y: 100, r: Infinity, w: Infinity, width: 50, lines: 1, z: 9, dx: 22 };
  assert.deepEqual(plain(labels.place([town], Math.pow(2, 8))), []);
  const [box] = plain(labels.place([town], Math.pow(2, 9)));
  assert.equal(box.left, 100 * 512 + 22 - 25 - 5); // 3 px left of the point, less the padding
  assert.equal(box.right, 100 * 512 + 22 + 25 + 5);
  // a town under a country's name or a marker is left out
  const marker = { left: 100 * 512 - 4, top: 100 * 512 - 4, right: 100 * 512 + 4, bottom: 100 * 512 + 4 };
  assert.deepEqual(plain(labels.place([town], 512, [marker])), []);
});
