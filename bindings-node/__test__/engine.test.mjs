// The API in use: engine lifecycle, timestamps in every accepted form, snapshots, profiles,
// readers, the simulator, and the package version.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { anbu, fixture, root } from './helpers.mjs'

const H = 3_600_000
const t0 = Date.parse('2024-05-01T08:00:00+09:00')

/** A TV on a steady load for a day and a half: a repeating reading is not a sign of life. */
function tvEvents(person = 'p-001') {
  const out = []
  for (let q = 0; q <= 37 * 4; q++) out.push({ person, ts: t0 + q * 15 * 60_000, signal: 'plug', device: 'plug-tv', watts: q === 0 ? 0 : 85 })
  return out
}

test('version: package.json = workspace Cargo.toml = the addon', () => {
  const cargo = readFileSync(join(root, '..', 'Cargo.toml'), 'utf8')
  const workspaceVersion = cargo.match(/\[workspace\.package\][^[]*?\nversion = "([^"]+)"/)[1]
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  assert.equal(pkg.version, workspaceVersion)
  assert.equal(anbu.version(), workspaceVersion)
})

test('the quick start: a steady TV is no sign of life', () => {
  const engine = new anbu.Engine()
  engine.addPerson({ person: 'p-001', profile: 'plug_only' })
  assert.equal(engine.ingest(tvEvents()), 149)
  const a = engine.assess('p-001', t0 + 37 * H)
  assert.equal(a.person, 'p-001')
  assert.equal(a.at, '2024-05-02T12:00:00Z')
  // The floor's call, asked two hours before the plug rule (24 h), had no outcome reported:
  // the caseworker, as the rule alerts.
  assert.equal(a.level, 'warning')
  assert.equal(a.action, 'notify')
  assert.equal(a.reasons[0].kind, 'no_change')
  assert.ok(a.reasons.some((r) => r.kind === 'safety_floor'))
  assert.equal(a.reasons[0].signal, 'plug')
  assert.equal(typeof a.reasons[0].detail, 'string')
})

test('timestamps: RFC 3339 text, epoch milliseconds and Date agree', () => {
  const engine = new anbu.Engine()
  engine.addPerson({ person: 'p-001', profile: 'plug_only' })
  engine.ingest(tvEvents())
  const at = t0 + 40 * H
  const a = engine.assess('p-001', at)
  assert.deepEqual(engine.assess('p-001', new Date(at)), a)
  assert.deepEqual(engine.assess('p-001', new Date(at).toISOString()), a)
  assert.deepEqual(engine.assess('p-001', '2024-05-03T00:00:00+09:00'), a)
  const asText = new anbu.Engine()
  asText.addPerson({ person: 'p-001', profile: 'plug_only' })
  asText.ingest(tvEvents().map((e) => ({ ...e, ts: new Date(e.ts).toISOString() })))
  assert.deepEqual(asText.assess('p-001', at), a)
})

test('single events, arrays and columns ingest the same', () => {
  const one = new anbu.Engine()
  const many = new anbu.Engine()
  const cols = new anbu.Engine()
  for (const e of [one, many, cols]) e.addPerson({ person: 'p-001', profile: 'plug_only' })
  const evs = tvEvents()
  for (const ev of evs) assert.equal(one.ingest(ev), 1)
  many.ingest(evs)
  cols.ingestColumns({
    person: { codes: new Int32Array(evs.length), values: ['p-001'] },
    ts: Float64Array.from(evs, (e) => e.ts),
    signal: evs.map(() => 'plug'),
    device: evs.map(() => 'plug-tv'),
    watts: Float64Array.from(evs, (e) => e.watts),
  })
  const at = t0 + 37 * H
  assert.deepEqual(many.assess('p-001', at), one.assess('p-001', at))
  assert.deepEqual(cols.assess('p-001', at), one.assess('p-001', at))
})

test('snapshot and restore: the copy assesses as the original', () => {
  const engine = new anbu.Engine({ allowedLatenessMs: 2 * H })
  engine.addProfile(anbu.Profile.fromToml('name = "plug_36h"\nextends = "plug_only"\n[inactivity.plug]\nthreshold_h = 36\n'))
  engine.addPerson({ person: 'p-001', profile: 'plug_36h', devices: ['plug'] })
  engine.addPerson({ person: 'p-002', profile: 'plug_only' })
  engine.ingest(tvEvents())
  engine.ingest(tvEvents('p-002'))
  const snap = engine.snapshot()
  assert.ok(Buffer.isBuffer(snap))
  const copy = anbu.Engine.restore(snap)
  assert.equal(copy.size, 2)
  assert.equal(copy.allowedLatenessMs, 2 * H)
  assert.deepEqual(copy.persons(), [
    { person: 'p-001', profile: 'plug_36h', devices: 'plug' },
    { person: 'p-002', profile: 'plug_only' },
  ])
  assert.deepEqual(copy.assessAll(t0 + 48 * H), engine.assessAll(t0 + 48 * H))
  assert.deepEqual(anbu.Engine.restore(new Uint8Array(snap)).assessAll(t0 + 48 * H), engine.assessAll(t0 + 48 * H))
})

test('persons(): the rows of the simulated persons table, fed either way', () => {
  // One shape (the core's persons record, an absent cell left out), so either is taken where
  // the other is expected.
  const simulated = anbu.simulate({ persons: 3, days: 1, seed: 4 }).persons
  const e = new anbu.Engine()
  for (const p of simulated) e.addPerson(p)
  assert.deepEqual(e.persons(), simulated)
  const withCodes = { person: 'p-9', profile: 'full', devices: 'door,plug', district: 'gangbuk', caseworker: 'cw-1', night_consent: false, guardian: 'g-1' }
  e.addPerson(withCodes)
  const again = new anbu.Engine()
  for (const p of e.persons()) again.addPerson(p)
  assert.deepEqual(again.persons(), [...simulated, withCodes])
})

test('profiles: built-ins, objects, JSON and TOML', () => {
  assert.deepEqual(anbu.builtinProfiles(), ['plug_only', 'call_only', 'call_app', 'call_iot', 'full'])
  const full = anbu.Profile.builtin('full')
  assert.equal(full.name, 'full')
  const doc = full.toObject()
  assert.equal(doc.timezone, 'Asia/Seoul')
  const mine = anbu.Profile.fromObject({ ...doc, name: 'mine' })
  assert.deepEqual(anbu.Profile.fromJson(mine.toJson()).toObject(), mine.toObject())
  const plug = anbu.Profile.fromToml('name = "p36"\nextends = "plug_only"\n[inactivity.plug]\nthreshold_h = 36\n')
  assert.equal(plug.toObject().inactivity.plug.threshold_h, 36)
})

test('replay: hourly rows in person, at order; every as text or milliseconds', () => {
  const rows = anbu.replay(tvEvents(), [{ person: 'p-001', profile: 'plug_only' }], { every: '12h' })
  assert.deepEqual(rows.map((r) => [r.at, r.level]), [
    ['2024-05-01T00:00:00Z', 'normal'],
    ['2024-05-01T12:00:00Z', 'normal'],
    ['2024-05-02T00:00:00Z', 'warning'], // the plug rule fired at 24 h with no outcome of the floor's call
    ['2024-05-02T12:00:00Z', 'warning'],
  ])
  assert.deepEqual(anbu.replay(tvEvents(), [{ person: 'p-001', profile: 'plug_only' }], { every: 12 * H, threads: 1 }), rows)
  assert.equal(anbu.replay(tvEvents(), [{ person: 'p-001', profile: 'plug_only' }]).length, 38) // 00:00Z (09:00 local) .. 13:00Z next day
})

test('a whole-home meter reading: watts only, a device of the plug channel', () => {
  const e = new anbu.Engine()
  e.addPerson({ person: 'p-m', profile: 'plug_only', devices: 'meter,checkin' })
  const reading = { person: 'p-m', ts: '2024-05-01T19:00:00+09:00', signal: 'meter', device: 'meter-home', watts: 412.5 }
  assert.equal(e.ingest([reading, { ...reading, ts: t0 + 12 * H, watts: 96 }]), 2)
  assert.equal(e.assess('p-m', t0 + 12 * H).level, 'normal')
  assert.throws(() => e.ingest({ ...reading, lux: 40 }), (err) => err.code === 'ANBU_INVALID_EVENT' && /field `lux`: does not apply to signal `meter`/.test(err.message))
  assert.throws(() => e.ingest({ person: 'p-m', ts: t0, signal: 'meter' }), /field `watts`: required for signal `meter`/)
})

test('readEvents: the fixture read from JSON Lines equals the fixture', () => {
  const { dir, events } = fixture()
  const out = anbu.readEvents(join(dir, 'events.jsonl'))
  assert.equal(out.events.length, events.length)
  assert.equal(out.skippedCount, 0)
  const ms = (t) => (typeof t === 'number' ? t : Date.parse(t))
  const norm = (e) => ({ ...e, ts: ms(e.ts), ...(e.until === undefined ? {} : { until: ms(e.until) }) })
  assert.deepEqual(out.events.map(norm), events.map(norm))
  // What the reader returns is what ingest takes.
  const engine = new anbu.Engine()
  for (const p of fixture().persons) engine.addPerson({ ...p, profile: 'full' })
  assert.equal(engine.ingest(out.events), events.length)
})

test('simulate: a seeded cohort, the same for the same seed, that the engine takes', () => {
  const a = anbu.simulate({ persons: 4, days: 3, seed: 7 })
  assert.deepEqual(anbu.simulate({ persons: 4, days: 3, seed: 7 }), a)
  assert.equal(a.persons.length, 4)
  assert.equal(a.cases.length, 4)
  assert.ok(a.events.length > 100)
  const rows = anbu.replay(a.events, a.persons, { every: '6h' })
  assert.ok(rows.length > 0)
  const engine = new anbu.Engine()
  for (const p of a.persons) engine.addPerson(p)
  assert.equal(engine.ingest(a.events), a.events.length)
})

test('backtest: a simulated cohort replayed and scored against its incidents', () => {
  const c = anbu.simulate({ persons: 12, days: 10, seed: 3, incidentShare: 0.5 })
  const rows = anbu.replay(c.events, c.persons, { every: '1h' })
  const report = anbu.backtest(rows, c.incidents, c.persons)
  assert.equal(report.overall.incidents, c.incidents.length)
  assert.equal(report.overall.persons, 12)
  assert.ok(report.overall.detection_rate >= 0 && report.overall.detection_rate <= 1)
  assert.ok(Object.keys(report.by_profile).length >= 1)
  assert.match(report.markdown, /\|/)
  assert.deepEqual(anbu.backtest(rows, c.incidents, c.persons), report)
  // One row per incident, in order, and one per alert episode; they agree with the metrics.
  assert.deepEqual(report.incidents.map((i) => i.person), c.incidents.map((i) => i.person))
  // Each simulated incident is labelled with its story's kind, and its outcome carries it.
  const story = Object.fromEntries(c.cases.map((s) => [s.person, s.incident]))
  assert.ok(c.incidents.length > 0 && c.incidents.every((i) => i.kind === story[i.person]))
  assert.deepEqual(report.incidents.map((i) => i.kind), c.incidents.map((i) => i.kind))
  // The same incidents per kind: each kind's count and detections add up from the list.
  for (const [kind, m] of Object.entries(report.by_kind)) {
    const of = report.incidents.filter((i) => i.kind === kind)
    assert.deepEqual([m.incidents, m.detected, m.asked], [of.length, of.filter((i) => i.detected_at !== null).length, of.filter((i) => i.asked_at !== null).length], kind)
  }
  assert.equal(Object.values(report.by_kind).reduce((n, m) => n + m.incidents, 0), c.incidents.length)
  assert.match(report.markdown, /\n\n\| kind \| incidents \|/)
  assert.equal(report.incidents.filter((i) => i.detected_at !== null).length, report.overall.detected)
  // When each person was first asked (a check-in call or more): within the incident's window.
  for (const i of report.incidents) {
    if (i.asked_at === null) {
      assert.equal(i.ask_h, null)
      continue
    }
    const [asked, start, end] = [i.asked_at, i.start, i.window_end].map(Date.parse)
    assert.ok(asked >= start && asked <= end && Math.abs(i.ask_h - (asked - start) / 3.6e6) < 1e-9, JSON.stringify(i))
  }
  assert.ok(report.incidents.some((i) => i.asked_at !== null))
  const falseOnes = report.episodes.filter((e) => e.kind === 'false')
  assert.equal(falseOnes.length, report.overall.false_episodes)
  assert.equal(falseOnes.reduce((n, e) => n + e.dispatches, 0), report.overall.false_dispatches)
  for (const e of report.episodes) assert.ok(['warning', 'critical'].includes(e.peak) && e.end >= e.start)
})

test('profile objects: whole numbers fill integer keys', () => {
  const p = anbu.Profile.fromObject({ name: 'two_checkins', extends: 'call_iot', checkins: { after: 2 }, inactivity: { min_steps: 30 } })
  assert.equal(p.toObject().checkins.after, 2)
  assert.equal(p.toObject().inactivity.min_steps, 30)
})

test('removePerson erases a person', () => {
  const e = new anbu.Engine()
  e.addPerson({ person: 'p-001', profile: 'plug_only' })
  e.addPerson({ person: 'p-002', profile: 'full' })
  e.ingest(tvEvents('p-001'))
  e.removePerson('p-001')
  assert.deepEqual(e.persons().map((p) => p.person), ['p-002'])
  assert.ok(!Buffer.from(e.snapshot()).toString('latin1').includes('p-001'))
  assert.throws(() => e.assess('p-001', t0 + 40 * H), (err) => err.code === 'ANBU_UNKNOWN_PERSON')
  assert.throws(() => e.removePerson('p-001'), (err) => err.code === 'ANBU_UNKNOWN_PERSON')
})

test('triage: persons with a district and a caseworker, most urgent first', () => {
  const e = new anbu.Engine()
  const at0 = Date.parse('2024-05-01T09:00:00+09:00')
  for (const [person, district, caseworker] of [['p-1', 'gangbuk', 'cw-1'], ['p-2', 'gangbuk', 'cw-2'], ['p-3', 'nowon', 'cw-1'], ['p-4', 'gangbuk', 'cw-1']]) {
    e.addPerson({ person, profile: 'full', district, caseworker })
  }
  for (const person of ['p-1', 'p-3', 'p-4']) e.ingest({ person, ts: at0, signal: 'heartbeat' })
  e.ingest({ person: 'p-4', ts: at0, signal: 'sos' })
  const at = at0 + H
  assert.deepEqual(e.triage(at, { caseworker: 'cw-1' }).map((a) => a.person), ['p-4', 'p-1', 'p-3'])
  assert.deepEqual(e.triage(at, { district: 'gangbuk' }).map((a) => a.person), ['p-4', 'p-1', 'p-2'])
  assert.deepEqual(e.triage(at, { district: 'gangbuk', level: 'warning' }).map((a) => a.person), ['p-4'])
  assert.equal(e.triage(at).length, 4)
  assert.equal(e.persons().find((p) => p.person === 'p-3').district, 'nowon')
  assert.throws(() => e.triage(at, { distrcit: 'x' }), (err) => err.code === 'ANBU_INVALID_ARGUMENT' && /distrcit/.test(err.message))
  assert.throws(() => e.addPerson({ person: 'p-9', profile: 'full', caseworker: '010-1234-5678' }), (err) => /caseworker/.test(err.message))
})

test('a built-in profile overridden for one replay: Profile.replace keeps the name', () => {
  const c = anbu.simulate({ persons: 6, days: 4, seed: 2 })
  const allDay = anbu.Profile.builtin('full').replace({
    'schedule.office_days': ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    'schedule.office_start': '00:00',
    'schedule.office_end': '24:00',
    'schedule.calendar': 'none',
  })
  assert.equal(allDay.name, 'full')
  const persons = c.persons.map((p) => ({ ...p, profile: 'full' }))
  const base = anbu.replay(c.events, persons, { every: '1h' })
  const over = anbu.replay(c.events, persons, { every: '1h', profiles: [allDay] })
  assert.ok(base.some((a) => a.responder === 'control_center'))
  assert.ok(over.every((a) => a.responder === 'day_office'))
  const e = new anbu.Engine()
  e.addProfile(allDay)
  e.addPerson({ person: 'p-1', profile: 'full' })
  assert.equal(e.assess('p-1', Date.parse('2024-05-04T23:00:00+09:00')).responder, 'day_office')
})

test('replay window: start drops earlier rows, end carries the grid past the last event', () => {
  const c = anbu.simulate({ persons: 4, days: 3, seed: 4 })
  const whole = anbu.replay(c.events, c.persons, { every: '1h' })
  const ms = (a) => Date.parse(a.at)
  const last = Math.max(...whole.map(ms))
  const start = Math.floor((Math.min(...whole.map(ms)) + last) / 2 / H) * H
  const end = last + 30 * H
  const win = anbu.replay(c.events, c.persons, { every: '1h', start, end })
  assert.ok(win.every((a) => ms(a) >= start && ms(a) <= end))
  assert.equal(Math.max(...win.map(ms)), end)
  assert.deepEqual(win.filter((a) => ms(a) <= last), whole.filter((a) => ms(a) >= start))
  assert.throws(() => anbu.replay(c.events, c.persons, { start: end, end: start }), (err) => err.code === 'ANBU_INVALID_ARGUMENT' && /end/.test(err.message))
})

test('a dispatch names its kind of visit: the button is 119, a threat said on a call the police', () => {
  const e = new anbu.Engine()
  const at0 = Date.parse('2024-05-01T09:00:00+09:00')
  for (const person of ['p-1', 'p-2', 'p-3']) e.addPerson({ person, profile: 'full' })
  e.ingest([
    { person: 'p-1', ts: at0, signal: 'sos' },
    { person: 'p-2', ts: at0, signal: 'checkin', outcome: 'concern', category: 'threat' },
    { person: 'p-3', ts: at0, signal: 'heartbeat' },
  ])
  const [sos, threat, quiet] = ['p-1', 'p-2', 'p-3'].map((p) => e.assess(p, at0 + H))
  assert.deepEqual([sos.action, sos.visit], ['dispatch', '119'])
  assert.deepEqual([threat.action, threat.visit], ['dispatch', 'police'])
  assert.notEqual(quiet.action, 'dispatch')
  assert.equal('visit' in quiet, false)
  // The objects go back into the core's writers as they came out.
  const rows = anbu.replay([{ person: 'p-1', ts: at0, signal: 'sos' }], [{ person: 'p-1', profile: 'full' }], { every: '1h' })
  assert.ok(rows.some((a) => a.visit === '119'))
  assert.ok(rows.every((a) => (a.action === 'dispatch') === (a.visit !== undefined)))
})
