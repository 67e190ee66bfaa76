// The number of threads: `setThreads` is the core's process-wide switch (a replay's rows do not
// depend on it), `ANBU_NUM_THREADS` is read by the core, and bad values are the core's errors.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { anbu, fixture } from './helpers.mjs'

const { events, persons, profiles } = fixture()

test('setThreads is the process-wide switch; the rows are the same on any number', () => {
  const before = anbu.threads()
  const options = { every: '1h', profiles }
  const rows = []
  try {
    for (const n of [1, 3]) {
      anbu.setThreads(n)
      assert.equal(anbu.threads(), n)
      rows.push(anbu.replay(events, persons, options))
    }
    assert.throws(() => anbu.setThreads(-1), {
      code: 'ANBU_INVALID_ARGUMENT',
      message: 'argument `threads`: must be a whole number >= 0, got -1',
    })
    assert.throws(() => anbu.setThreads(257), { message: 'argument `threads`: 257 threads, at most 256' })
    assert.throws(() => anbu.setThreads('two'), { code: 'ANBU_INVALID_ARGUMENT' })
    assert.equal(anbu.threads(), 3, 'a refused count leaves the switch as it was')
  } finally {
    anbu.setThreads(0)
  }
  assert.equal(anbu.threads(), before)
  assert.ok(rows[0].length > 0)
  assert.deepEqual(rows[1], rows[0])
})

test('ANBU_NUM_THREADS is read by the core', () => {
  const code = "const a = require('./index.js'); try { console.log(a.threads()) } catch (e) { console.log(e.code, e.message) }"
  const run = (value) =>
    spawnSync(process.execPath, ['-e', code], {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
      env: { ...process.env, ANBU_NUM_THREADS: value },
    }).stdout
  assert.equal(run('2'), '2\n')
  assert.match(run('four'), /^ANBU_INVALID_ARGUMENT argument `ANBU_NUM_THREADS`: must be a whole number/)
})
