'use strict';
// Loads a `nodeward routes --format html` page in jsdom, runs its own inline script,
// drives the filter and sort controls, and prints what a user would see after each step.
const fs = require('fs');
const { JSDOM } = require('jsdom');

const html = fs.readFileSync(process.argv[2], 'utf8');
const dom = new JSDOM(html, { runScripts: 'dangerously' });
const { document, Event } = dom.window;

function visible() {
  return Array.from(document.querySelectorAll('tr.route'))
    .filter((tr) => !tr.hidden)
    .map((tr) => `${tr.dataset.method} ${tr.dataset.path}`);
}
function sections() {
  return Array.from(document.querySelectorAll('section.group')).filter((s) => !s.hidden).length;
}
function snapshot() {
  return { rows: visible(), shown: document.getElementById('shown').textContent, groups: sections() };
}
function set(id, prop, value, event) {
  const el = document.getElementById(id);
  el[prop] = value;
  el.dispatchEvent(new Event(event, { bubbles: true }));
}
function reset() {
  set('q', 'value', '', 'input');
  set('method', 'value', '', 'change');
  set('missing', 'value', '', 'change');
  set('changing', 'checked', false, 'change');
  if (document.getElementById('hasfindings')) set('hasfindings', 'checked', false, 'change');
}
function sortBy(key) {
  document.querySelector(`th button[data-sort="${key}"]`).click();
  const th = document.querySelector(`th button[data-sort="${key}"]`).parentNode;
  return { order: visible(), aria: th.getAttribute('aria-sort') };
}

const out = { initial: snapshot() };
set('q', 'value', 'ADMIN', 'input');
out.text = snapshot();
reset();
set('method', 'value', 'GET', 'change');
out.method = snapshot();
reset();
set('missing', 'value', 'authentication', 'change');
out.missing = snapshot();
reset();
set('changing', 'checked', true, 'change');
out.changing = snapshot();
reset();
set('q', 'value', 'no-such-route', 'input');
out.none = snapshot();
reset();
if (document.getElementById('hasfindings')) {
  set('hasfindings', 'checked', true, 'change');
  out.withFindings = snapshot();
  reset();
}
out.sortPath = sortBy('path');
out.sortPathDesc = sortBy('path');
out.sortPresent = sortBy('present');
out.sortLine = sortBy('line');
if (document.querySelector('th button[data-sort="worst"]')) out.sortWorst = sortBy('worst');
process.stdout.write(JSON.stringify(out) + '\n');
