// What people say on a check-in call: a `concern`'s `category` passes through objects and
// columns to the core, which routes it (issue 16, item 1).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { anbu } from './helpers.mjs'

const H = 3_600_000
const t0 = Date.parse('2024-05-01T08:00:00+09:00')

// The core's defaults (docs/interchange.md, `checkins.categories`).
const expected = [
  ['welfare_request', 'warning', 'notify'],
  ['threat', 'critical', 'dispatch'],
  [undefined, 'critical', 'dispatch'],
]

const concern = (category) => ({ person: 'p-1', ts: t0, signal: 'checkin', outcome: 'concern', ...(category ? { category } : {}) })

test('a category gives the same level and action through objects and columns', () => {
  for (const [category, level, action] of expected) {
    const engine = new anbu.Engine()
    engine.addPerson({ person: 'p-1', profile: 'call_only' })
    engine.ingest([concern(category)])
    const a = engine.assess('p-1', t0 + H)
    assert.deepEqual([a.level, a.action], [level, action], String(category))
    if (category) assert.ok(a.reasons.find((r) => r.kind === 'concern').detail.includes(`(${category})`))
    const persons = [{ person: 'p-1', profile: 'call_only' }]
    const rows = anbu.replay([concern(category)], persons)
    assert.deepEqual(rows.map((r) => [r.level, r.action]), [[level, action]])
    const columns = { person: ['p-1'], ts: [t0], signal: ['checkin'], outcome: ['concern'], ...(category ? { category: [category] } : {}) }
    assert.deepEqual(anbu.replay(columns, persons), rows)
  }
})

test('a category is checked by the core', () => {
  assert.throws(() => new anbu.Engine().ingest([{ ...concern('lonely') }]), /field `category`: unknown value `lonely`, expected one of: welfare_request/)
  assert.throws(() => new anbu.Engine().ingest([{ ...concern(), outcome: 'answered', category: 'pain' }]), /applies only to outcome `concern`/)
})

test('devices may name sos', () => {
  const rows = anbu.replay([concern()], [{ person: 'p-1', profile: 'call_only', devices: 'phone,checkin,sos' }])
  assert.equal(rows[0].level, 'critical')
})

test('a bad device names the persons row', () => {
  const persons = [{ person: 'p-1', profile: 'full' }, { person: 'p-2', profile: 'full', devices: 'plug,tv' }]
  assert.throws(() => anbu.replay([concern()], persons), { code: 'ANBU_INVALID_EVENT', message: /^row 1: field `devices`: unknown value `tv`/ })
})

test("a ko profile's reasons are Korean (the core writes them; the binding passes the key)", () => {
  const details = {}
  for (const locale of ['en', 'ko']) {
    const profile = anbu.Profile.fromObject({ name: `call_only_${locale}`, extends: 'call_only', locale })
    const engine = new anbu.Engine()
    engine.addProfile(profile)
    engine.addPerson({ person: 'p-1', profile: `call_only_${locale}` })
    engine.ingest([concern('pain')])
    const a = engine.assess('p-1', t0 + H)
    assert.deepEqual([a.level, a.action], ['critical', 'dispatch'])
    details[locale] = a.reasons.find((r) => r.kind === 'concern').detail
  }
  assert.equal(
    details.en,
    'check-in call at 2024-05-01 08:00 answered, but the person reported pain (pain): critical, dispatch, routed to 119 (ambulance)',
  )
  assert.equal(details.ko, '2024-05-01 08:00 안부 전화 응답, 통증 호소(pain): 위급, 현장 출동, 119(구급) 연계')
})
