// The Node binding gives exactly the Rust engine's assessments on the shared fixture,
// through event objects and through columns, streaming and replaying.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { anbu, fixture, root, toColumns } from './helpers.mjs'

const { dir, events, persons, profiles } = fixture()

function rustOutput() {
  const host = spawnSync('rustc', ['-vV'], { encoding: 'utf8' }).stdout.match(/^host: (.+)$/m)[1]
  // Same target as `napi build`, so the build is shared.
  const r = spawnSync('cargo', ['run', '-q', '-p', 'anbu-node', '--target', host, '--example', 'parity', '--', dir], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout)
}
const rust = rustOutput()

function stream(ingest) {
  const engine = new anbu.Engine()
  for (const p of profiles) engine.addProfile(anbu.Profile.fromObject(p))
  for (const p of persons) engine.addPerson(p)
  const out = []
  let newest = -Infinity
  for (let i = 0; i < events.length; i += 100) {
    const chunk = events.slice(i, i + 100)
    assert.equal(ingest(engine, chunk), chunk.length)
    for (const e of chunk) newest = Math.max(newest, typeof e.ts === 'number' ? e.ts : Date.parse(e.ts))
    out.push(...engine.assessAll(newest))
  }
  return out
}

test('fixture: the Rust side produced assessments', () => {
  assert.ok(rust.stream.length > 100)
  assert.ok(rust.replay.length > 100)
  assert.ok(rust.stream.some((a) => a.level !== 'normal'), 'the fixture should raise some alerts')
})

test('streaming through event objects matches the Rust engine', () => {
  assert.deepEqual(stream((engine, chunk) => engine.ingest(chunk)), rust.stream)
})

test('streaming through columns matches the Rust engine', () => {
  assert.deepEqual(stream((engine, chunk) => engine.ingestColumns(toColumns(chunk))), rust.stream)
})

test('replay through objects and through columns matches the Rust replay', () => {
  const opts = { every: '1h', profiles: profiles.map((p) => anbu.Profile.fromObject(p)) }
  assert.deepEqual(anbu.replay(events, persons, opts), rust.replay)
  assert.deepEqual(anbu.replay(toColumns(events), persons, { ...opts, every: 3_600_000 }), rust.replay)
})

test('the closed loop with an AnswerRate matches the Rust closed loop', () => {
  const cohort = anbu.simulate({ persons: 6, days: 4, seed: 11, recentIncidents: 2 })
  const rate = new anbu.AnswerRate({ rate: 0.5, concernRate: 0.2, seed: 7 })
  assert.ok(rust.closedLoop.some((a) => a.action === 'checkin_call'))
  assert.deepEqual(anbu.replayClosedLoop(cohort.events, cohort.persons, rate), rust.closedLoop)
  assert.deepEqual(anbu.replayClosedLoop(toColumns(cohort.events), cohort.persons, rate, { threads: 1 }), rust.closedLoop)
  // The same rates as a responder object, and answered by the cohort itself.
  const spec = { answer_rate: { rate: 0.5, concern_rate: 0.2, seed: 7 } }
  assert.deepEqual(anbu.replayClosedLoop(cohort.events, cohort.persons, spec), rust.closedLoop)
  const policy = { retry: '2h' }
  assert.deepEqual(anbu.replayClosedLoop(cohort.events, cohort.persons, cohort, { policy }), rust.closedLoopSimulated)
})
