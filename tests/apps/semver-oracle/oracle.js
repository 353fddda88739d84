// Reads [[op, ...args], ...] JSON on stdin and prints node-semver's answers as JSON.
// op: "satisfies" (version, range, includePrerelease) | "compare" (a, b)
'use strict'
const semver = require('semver')
let input = ''
process.stdin.on('data', (c) => { input += c })
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(([op, a, b, inc]) => {
    if (op === 'satisfies') return semver.satisfies(a, b, { includePrerelease: !!inc })
    if (op === 'compare') return semver.compare(a, b)
    throw new Error('unknown op ' + op)
  })
  process.stdout.write(JSON.stringify(out))
})
