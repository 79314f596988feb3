// layout.js: the part of the map that the controls leave free.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, plain } from './load.mjs';

const { layout } = load('util.js', 'layout.js');

const area = (f) => (f.right - f.left) * (f.bottom - f.top);
const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

test('no control: the whole box', () => {
  assert.deepEqual(plain(layout.freeRect(800, 600, [], area)), { left: 0, top: 0, right: 800, bottom: 600 });
});

test('corner panels are kept out on the side that leaves the most', () => {
  const legend = { left: 560, top: 10, right: 790, bottom: 450 }; // tall, top right
  const timeline = { left: 10, top: 420, right: 330, bottom: 590 }; // wide, bottom left
  const search = { left: 10, top: 10, right: 250, bottom: 50 }; // wide and low, top left
  const rects = [legend, timeline, search];
  const f = layout.freeRect(800, 600, rects, area);
  rects.forEach((r) => assert.ok(!overlaps(f, r), JSON.stringify([f, r])));
  assert.deepEqual(plain(f), { left: 0, top: 50, right: 560, bottom: 420 });
});

test('the score decides: a wide box for a wide thing', () => {
  const rects = [{ left: 0, top: 0, right: 100, bottom: 100 }];
  const wide = layout.freeRect(400, 400, rects, (f) => f.right - f.left);
  assert.deepEqual(plain(wide), { left: 0, top: 100, right: 400, bottom: 400 });
  const tall = layout.freeRect(400, 400, rects, (f) => f.bottom - f.top);
  assert.deepEqual(plain(tall), { left: 100, top: 0, right: 400, bottom: 400 });
});

test('rects outside the box or empty are ignored', () => {
  const rects = [{ left: 900, top: 0, right: 950, bottom: 50 }, { left: 10, top: 10, right: 10, bottom: 40 }];
  assert.deepEqual(plain(layout.freeRect(800, 600, rects, area)), { left: 0, top: 0, right: 800, bottom: 600 });
});

test('fitZoom: the zoom at which a box fits, snapped down and capped', () => {
  const f = { left: 0, top: 0, right: 1052, bottom: 552 };
  assert.equal(layout.fitZoom(f, 256, 128, 10, 0.25, 18), 2); // 1032 / 256 = 4.03 -> 2.0
  assert.equal(layout.fitZoom(f, 100, 100, 10, 0.25, 6), 2.25); // 532 / 100 -> 2.41 -> 2.25
  assert.equal(layout.fitZoom(f, 0, 0, 10, 0.25, 6), 6); // one point: the cap
  assert.equal(layout.fitZoom({ left: 0, top: 0, right: 15, bottom: 15 }, 1, 1, 10, 0.25, 6), -Infinity);
});

test('a filled view: the deepest zoom, by steps of the snap, at which the world is no taller than the map', () => {
  // a phone's map 844 px tall: 256 * 2^1.5 = 724 fits, 256 * 2^1.75 = 861 does not
  assert.equal(layout.fillZoom({ x: 390, y: 844 }, 0.25), 1.5);
  assert.equal(layout.fillZoom({ x: 390, y: 844 }, 1), 1);
  assert.equal(layout.fillZoom({ x: 390, y: 512 }, 0.25), 1); // exactly as tall
});
