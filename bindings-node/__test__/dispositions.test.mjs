// Dispositions: what a call or a visit found passes through objects and columns to the
// core, which acts on it (issue 16, item 3).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { anbu } from './helpers.mjs'

const H = 3_600_000
const t0 = Date.parse('2024-05-01T08:00:00+09:00')

const found = (finding) => ({ person: 'p-1', ts: t0, signal: 'disposition', device: 'visit', finding })

test('an unreachable person is critical through objects and columns', () => {
  const engine = new anbu.Engine()
  engine.addPerson({ person: 'p-1', profile: 'call_only' })
  engine.ingest([found('unreachable')])
  const a = engine.assess('p-1', t0 + H)
  assert.deepEqual([a.level, a.action], ['critical', 'dispatch'])
  assert.ok(a.reasons.some((r) => r.kind === 'disposition' && r.signal === 'disposition'))
  const persons = [{ person: 'p-1', profile: 'call_only' }]
  const rows = anbu.replay([found('unreachable')], persons)
  assert.deepEqual(rows.map((r) => [r.level, r.action]), [['critical', 'dispatch']])
  const columns = { person: ['p-1'], ts: [t0], signal: ['disposition'], device: ['visit'], finding: ['unreachable'] }
  assert.deepEqual(anbu.replay(columns, persons), rows)
})

test('a finding is checked by the core', () => {
  assert.throws(() => new anbu.Engine().ingest([found('ok')]), /field `finding`: unknown value `ok`, expected one of: fine, away, hospital/)
  assert.throws(() => new anbu.Engine().ingest([{ ...found(), finding: undefined }]), /field `finding`: required for signal `disposition`/)
})

test('emergency and deceased findings are the incidents of recorded data', async () => {
  const events = [
    { person: 'p-1', ts: t0, signal: 'door', device: 'door-front', state: 'open' },
    found('fine'),
    { ...found('emergency'), ts: t0 + 30 * H },
    { ...found('deceased'), ts: t0 + 31 * H },
    { ...found('unreachable'), person: 'p-2' },
  ]
  const persons = [{ person: 'p-1', profile: 'full' }, { person: 'p-2', profile: 'full' }]
  const incidents = anbu.labelsFromDispositions(events, persons)
  // From the fine visit (a sign of life) to the first finding, labelled with it; one per silence.
  assert.deepEqual(incidents, [{ person: 'p-1', start: new Date(t0).toISOString().replace('.000', ''), end: new Date(t0 + 30 * H).toISOString().replace('.000', ''), kind: 'emergency' }])
  assert.deepEqual(await anbu.labelsFromDispositionsAsync(events, persons, []), incidents)
  assert.throws(() => anbu.labelsFromDispositions(events, persons.slice(0, 1)), { code: 'ANBU_INVALID_EVENT', message: 'row 4: field `person`: `p-2` is not in persons' })
})
