// A TypeScript consumer of the package: `tsc --noEmit` must accept it (npm test runs it).
import { AnswerRate, Engine, Profile, backtest, backtestAsync, readEvents, readEventsAsync, replay, replayAsync, replayClosedLoop, replayClosedLoopAsync, simulate, simulateAsync } from '../../index'
import type { BacktestReport, Cohort, ReadOutcome } from '../../index'
import type { Assessment, CheckinAnswer, EventColumns, EventInput, Level, PersonInput } from '../../index'

const engine = new Engine({ allowedLatenessMs: 3_600_000 })
const person: PersonInput = { person: 'p-001', profile: 'plug_only', devices: ['plug'] }
engine.addPerson(person)
engine.addProfile(Profile.fromToml('name = "p36"\nextends = "plug_only"\n'))

const event: EventInput = { person: 'p-001', ts: '2024-05-01T09:00:00+09:00', signal: 'plug', watts: 85.5, lux: 120 }
const taken: number = engine.ingest([event, { ...event, ts: 1714523400000 }])
const columns: EventColumns = {
  person: { codes: new Int32Array([0]), values: ['p-001'] },
  ts: new Float64Array([1714524300000]),
  signal: ['plug'],
  watts: new Float64Array([85.5]),
}
engine.ingestColumns(columns)

const a: Assessment = engine.assess('p-001', new Date('2024-05-02T09:00:00+09:00'))
const level: Level = a.level
const strongest: string | undefined = a.reasons[0]?.detail
const all: Assessment[] = engine.assessAll('2024-05-02T09:00:00+09:00')
const copy: Engine = Engine.restore(engine.snapshot())
const rows: Assessment[] = replay([event], [person], { every: '1h', profiles: [Profile.builtin('full')] })
const { events, skippedCount } = readEvents('events.csv', { skipBadRows: true })
const cohort = simulate({ persons: 3, days: 2, seed: 1 })
const firstRoutine: string = cohort.cases[0].routine
const detectionRate: number = backtest(rows, cohort.incidents, cohort.persons).overall.detection_rate
const answer = (p: string, at: string): CheckinAnswer => (p && at ? 'answered' : null)
const closed: Assessment[] = replayClosedLoop(cohort.events, cohort.persons, cohort, { policy: { delay: '5m', retry: 3_600_000 } })
replayClosedLoop(cohort.events, cohort.persons, new AnswerRate({ rate: 0.9, concernRate: 0.05, seed: 1 }))
replayClosedLoop(cohort.events, cohort.persons, answer, { every: '1h' })
replayClosedLoop(cohort.events, cohort.persons, { answer_rate: { rate: 1 } })
console.log(closed.length)

// The async forms: the same arguments, a Promise of the same value.
async function pooled(): Promise<number> {
  const c: Cohort = await simulateAsync({ persons: 3, days: 2, seed: 1 })
  const r: Assessment[] = await replayAsync(c.events, c.persons, { every: '1h' })
  const loop: Assessment[] = await replayClosedLoopAsync(c.events, c.persons, c, { policy: { delay: '5m' } })
  const report: BacktestReport = await backtestAsync(r, c.incidents, c.persons)
  const read: ReadOutcome = await readEventsAsync('events.csv', { skipBadRows: true })
  return r.length + loop.length + report.overall.incidents + read.skippedCount
}
void pooled()

try {
  engine.assess('p-002', Date.now())
} catch (err) {
  const code = (err as { code?: string }).code
  console.log(code, level, strongest, all, copy, rows, events, skippedCount, taken, firstRoutine, detectionRate)
}

// Wrong calls must not type-check:
// @ts-expect-error: a signal that does not exist
engine.ingest({ person: 'p-001', ts: 0, signal: 'teleport' })
// @ts-expect-error: assess needs a time
engine.assess('p-001')
// @ts-expect-error: a responder function returns an outcome, not a boolean
replayClosedLoop([], [], () => true)
// @ts-expect-error: the async form runs on the pool, where a function cannot be called
void replayClosedLoopAsync([], [], answer)
// @ts-expect-error: an async form gives a Promise, not the rows
const notRows: Assessment[] = replayAsync([], [])
console.log(notRows)
// @ts-expect-error: an Assessment has no `risk`
console.log(a.risk)
