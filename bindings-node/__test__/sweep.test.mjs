// sweep: an operating curve of a profile key, the same numbers as replay + backtest.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { anbu, throwsCode } from './helpers.mjs'

const cohort = anbu.simulate({ persons: 20, days: 14, seed: 3 })

test('sweep: a lower warning cut-off detects and alerts no less; the budget picks within it', () => {
  const curve = anbu.sweep(cohort.events, cohort.persons, cohort.incidents, 'levels.warning', [70, 50, 35], {
    responder: cohort,
    budget: 1e9,
  })
  assert.equal(curve.key, 'levels.warning')
  assert.deepEqual(curve.points.map((p) => p.value), [70, 50, 35])
  const overall = curve.points.map((p) => p.report.overall)
  for (let i = 1; i < overall.length; i++) {
    assert.ok(overall[i].detected >= overall[i - 1].detected)
    assert.ok(overall[i].false_episodes >= overall[i - 1].false_episodes)
  }
  for (const name of Object.keys(curve.points[0].report.by_profile)) assert.ok(anbu.builtinProfiles().includes(name), name)
  assert.ok(curve.markdown.includes('| all | 35 |'))
  assert.ok([70, 50, 35].includes(curve.within_budget.all))
  // The same numbers as a closed-loop replay with the key set by hand.
  const profiles = anbu.builtinProfiles().map((p) => ({ name: `${p}_w35`, extends: p, levels: { warning: 35 } }))
  const persons = cohort.persons.map((p) => ({ ...p, profile: `${p.profile}_w35` }))
  const rows = anbu.replayClosedLoop(cohort.events, persons, cohort, { profiles })
  assert.deepEqual(anbu.backtest(rows, cohort.incidents, persons).overall, overall[2])
  const none = anbu.sweep(cohort.events, cohort.persons, cohort.incidents, 'levels.warning', [50], { budget: -1 })
  assert.equal(none.within_budget.all, null)
})

test('sweep: bad keys, values and responders are refused with the core codes', () => {
  const args = [cohort.events, cohort.persons, cohort.incidents]
  throwsCode(assert, () => anbu.sweep(...args, 'levels.nonsense', [1]), 'ANBU_INVALID_PROFILE', 'no such key')
  throwsCode(assert, () => anbu.sweep(...args, 'levels.warning', [-5]), 'ANBU_INVALID_PROFILE', 'levels.warning')
  throwsCode(
    assert,
    () => anbu.sweep(...args, 'levels.warning', [50], { responder: () => 'answered' }),
    'ANBU_INVALID_ARGUMENT',
    'not a function',
  )
})

test('sweep: progress(done, total) counts the persons replayed once per value; a throw stops it', () => {
  const args = [cohort.events, cohort.persons, cohort.incidents, 'levels.warning', [40, 50, 60]]
  const calls = []
  const curve = anbu.sweep(...args, { progress: (done, total) => calls.push([done, total]) })
  const total = cohort.persons.length * 3
  assert.deepEqual(calls[0], [0, total])
  assert.deepEqual(calls.at(-1), [total, total])
  const done = calls.map(([d]) => d)
  assert.deepEqual(done, [...new Set(done)].sort((a, b) => a - b), 'each call reports a new count')
  assert.ok(calls.every(([, t]) => t === total))
  assert.deepEqual(curve.points, anbu.sweep(...args).points)
  const stop = new Error('enough')
  assert.throws(() => anbu.sweep(...args, { progress: () => { throw stop } }), (e) => e === stop)
  throwsCode(assert, () => anbu.sweep(...args, { progress: 5 }), 'ANBU_INVALID_ARGUMENT', 'progress')
})
