// Run MDN HTTP Observatory's own scanner (the npm package, locally) against one host and
// print its JSON result: score, grade and per-test results. Used by bench/probe_observatory.py.
// Usage: node scan.mjs HOST   (this version of the package scans ports 80 and 443 only)
import { scan } from '@mdn/mdn-http-observatory/src/scanner/index.js';

const [host] = process.argv.slice(2);
const result = await scan(host, {});
const tests = Object.fromEntries(
  Object.entries(result.tests).map(([name, t]) => [name, { result: t.result, scoreModifier: t.scoreModifier, pass: t.pass }]),
);
console.log(JSON.stringify({ score: result.scan.score, grade: result.scan.grade, tests }, null, 2));
