// Test helpers: load the addon, read the shared fixture, and turn event objects into columns.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export { tempDir } from './temp-dir.mjs'

export const here = dirname(fileURLToPath(import.meta.url))
export const root = join(here, '..')
export const anbu = createRequire(import.meta.url)('../index.js')

export function fixture() {
  const dir = join(here, 'fixtures')
  const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  const persons = JSON.parse(readFileSync(join(dir, 'persons.json'), 'utf8'))
  const profiles = JSON.parse(readFileSync(join(dir, 'profiles.json'), 'utf8'))
  return { dir, events, persons, profiles }
}

const NUMERIC = ['ts', 'duration_s', 'steps', 'interval_s', 'watts', 'lux', 'until']
const TEXT = ['person', 'signal', 'device', 'direction', 'state', 'action', 'outcome']

/** Events as columns: numbers in Float64Array (NaN = absent), strings dictionary-encoded. */
export function toColumns(events) {
  const n = events.length
  const cols = {}
  for (const f of NUMERIC) {
    const a = new Float64Array(n).fill(NaN)
    let any = false
    events.forEach((e, i) => {
      const v = e[f]
      if (v === undefined || v === null) return
      a[i] = typeof v === 'string' ? Date.parse(v) : v
      any = true
    })
    if (any) cols[f] = a
  }
  for (const f of TEXT) {
    const values = []
    const index = new Map()
    const codes = new Int32Array(n).fill(-1)
    events.forEach((e, i) => {
      const v = e[f]
      if (v === undefined || v === null) return
      if (!index.has(v)) index.set(v, values.push(v) - 1)
      codes[i] = index.get(v)
    })
    if (values.length) cols[f] = { codes, values }
  }
  if (events.some((e) => e.answered !== undefined)) {
    cols.answered = Int8Array.from(events, (e) => (e.answered === undefined ? -1 : e.answered ? 1 : 0))
    // -1 is not a boolean: mark absent rows with NaN in a float column instead.
    cols.answered = Float64Array.from(cols.answered, (x) => (x < 0 ? NaN : x))
  }
  return cols
}

/** Calls `fn`, expecting it to throw an anbu error with `code`; returns the error. */
export function throwsCode(assert, fn, code, messagePart) {
  let err
  try {
    fn()
  } catch (e) {
    err = e
  }
  assert.ok(err instanceof Error, `expected an Error with code ${code}, got ${err}`)
  assert.equal(err.code, code, err.message)
  if (messagePart) assert.ok(err.message.includes(messagePart), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(messagePart)}`)
  return err
}
