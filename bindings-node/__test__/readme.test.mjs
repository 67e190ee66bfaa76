// Every ```js block of README.md runs (with `require('anbu')` meaning this package).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'
import vm from 'node:vm'
import { root } from './helpers.mjs'

const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])
const req = createRequire(join(root, 'package.json'))

test('README has JS snippets', () => assert.ok(blocks.length >= 3))

blocks.forEach((code, i) => {
  // A snippet whose last expression is a promise (an async block) is awaited.
  test(`README snippet ${i + 1} runs`, async () => {
    const require = (name) => (name === 'anbu' ? req('./index.js') : req(name))
    const logs = []
    await vm.runInNewContext(code, { require, console: { log: (...a) => logs.push(a) }, Date, Buffer, Set, Math, Float64Array, Int32Array })
  })
})
