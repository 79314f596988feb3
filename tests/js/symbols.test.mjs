// symbols.js: the markup of a place's symbol is constant but for checked values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './load.mjs';

const { symbols } = load('util.js', 'symbols.js');
const RTC = { shape: 'triangle', color: '#6c3483' };

test('a symbol\'s style follows its status', () => {
  const operational = symbols.symbolSvg(RTC, 'operational', 18);
  assert.match(operational, /fill="#6c3483" stroke="#17202a" stroke-width="1.4">/);
  const planned = symbols.symbolSvg(RTC, 'planned', 18);
  assert.match(planned, /fill="#ffffff" stroke="#6c3483" stroke-width="2.4" stroke-dasharray="3 2">/);
  assert.match(symbols.symbolSvg(RTC, 'closed', 18), /fill="#a6acaf" stroke="#566573"/);
  assert.match(symbols.symbolSvg(RTC, 'under_construction', 18), /url\(#atlas-stripes\)/);
  assert.doesNotMatch(operational, /atlas-stripes/);
});

test('a symbol takes only known shapes, #rrggbb colours and sizes from 8 to 64', () => {
  const hostile = symbols.symbolSvg({ shape: '<script>', color: '"/><script>alert(1)</script>' }, 'x', '"><img>');
  assert.doesNotMatch(hostile, /script|img|alert/);
  assert.match(hostile, /M12 3.1 21.04/); // the pentagon, for an unknown shape
  assert.match(hostile, /fill="#5d6d7e"/);
  assert.match(hostile, /width="18" height="18"/);
  assert.match(symbols.symbolSvg(RTC, 'operational', 1000), /width="64" height="64"/);
  assert.match(symbols.symbolSvg(RTC, 'operational', 2), /width="8" height="8"/);
});

