// The shared table of tricky inputs (tests/shared/tricky.json): the Node binding gives each
// case's result, or its error code and message. The Python binding runs the same table
// (bindings-python/tests/test_shared_tricky.py), so both agree case by case.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'node:test'

import { anbu, root } from './helpers.mjs'

const table = JSON.parse(readFileSync(join(root, '..', 'tests', 'shared', 'tricky.json'), 'utf8'))

/** JSON as JS values: `{"$": "NaN"}` is NaN, `{"$date": text}` a `Date`. */
function decode(value) {
  if (Array.isArray(value)) return value.map(decode)
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 1 && keys[0] === '$') return Number(value.$)
    if (keys.length === 1 && keys[0] === '$date') return new Date(value.$date)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]))
  }
  return value
}

/** A column: numbers as a Float64Array (null is NaN, absent), anything else as an array. */
function column(values) {
  const present = values.filter((v) => v !== null)
  return present.every((v) => typeof v === 'number') ? Float64Array.from(values, (v) => (v === null ? NaN : v)) : values
}

/** The case's events as the binding takes them, and its persons. */
function eventsAndPersons(c, dir) {
  const spec = c.events
  const persons = decode(c.persons)
  if (Array.isArray(spec)) return [decode(spec), persons]
  if (spec.csv !== undefined || spec.jsonl !== undefined) {
    const kind = spec.csv !== undefined ? 'csv' : 'jsonl'
    const path = join(dir, `events.${kind}`)
    writeFileSync(path, spec[kind])
    return [anbu.readEvents(path).events, persons]
  }
  if (spec.columns !== undefined) {
    return [Object.fromEntries(Object.entries(decode(spec.columns)).map(([k, v]) => [k, column(v)])), persons]
  }
  const cohort = anbu.simulate(simulateOptions(spec.simulate))
  return [cohort.events, persons === 'simulated' ? cohort.persons : persons]
}

/** Simulation options in JS spelling (`incident_share` is `incidentShare`). */
function simulateOptions(options) {
  return Object.fromEntries(Object.entries(decode(options)).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]))
}

/** An event record as the table compares it: times as epoch milliseconds. */
function record(r) {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'ts' || k === 'until' ? Date.parse(v) : v]))
}

/** Calls the binding as the case says; returns the result's summary. */
function run(c, dir) {
  const options = decode(c.options ?? {})
  if (c.call === 'simulate') {
    const cohort = anbu.simulate(simulateOptions(c.options ?? {}))
    return { persons: cohort.persons.length, events: cohort.events.length, incidents: cohort.incidents.length }
  }
  const [events, persons] = eventsAndPersons(c, dir)
  switch (c.call) {
    case 'events':
      return { events: anbu.events(events).map(record) }
    case 'replay':
      return { rows: anbu.replay(events, persons, options).length }
    case 'closed_loop':
      return { rows: anbu.replayClosedLoop(events, persons, decode(c.responder), options).length }
    case 'backtest': {
      const rows = anbu.replay(events, persons, options)
      const report = anbu.backtest(rows, decode(c.incidents), persons)
      return { incidents: report.overall.incidents, detected: report.overall.detected }
    }
    case 'ingest':
    case 'assess': {
      const engine = new anbu.Engine()
      for (const p of persons) engine.addPerson(p)
      const taken = engine.ingest(events)
      if (c.call === 'ingest') return { taken }
      return { level: engine.assess(persons[0].person, decode(c.at)).level }
    }
    default:
      throw new Error(`unknown call ${c.call}`)
  }
}

for (const c of table.cases) {
  test(`tricky input: ${c.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'anbu-tricky-'))
    try {
      const want = c.expect
      if (want.error !== undefined) {
        let err
        try {
          run(c, dir)
        } catch (e) {
          err = e
        }
        assert.ok(err instanceof Error, `expected ${want.error}, got a result`)
        assert.deepEqual([err.code, err.message.includes(want.message)], [want.error, true], err.message)
        return
      }
      const expect = c.call === 'events' ? { events: want.events.map(record) } : want
      assert.deepEqual(run(c, dir), expect)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
}
