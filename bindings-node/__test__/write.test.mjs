// writeEvents / writeAssessments: the core's writers, so files read back identical and are the
// same bytes as the command line's and Python's.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { anbu, tempDir, throwsCode, toColumns } from './helpers.mjs'

const tmp = tempDir('anbu-node-write-')
const cohort = anbu.simulate({ persons: 5, days: 3, seed: 9, recentIncidents: 1 })

test('events written read back identical, in both formats and from columns', async () => {
  for (const ext of ['csv', 'jsonl']) {
    const path = join(tmp, `events.${ext}`)
    anbu.writeEvents(cohort.events, path)
    assert.deepEqual(anbu.readEvents(path).events, anbu.events(cohort.events))
    const again = join(tmp, `columns.${ext}`)
    await anbu.writeEventsAsync(toColumns(cohort.events), again)
    assert.equal(readFileSync(again, 'utf8'), readFileSync(path, 'utf8'))
  }
  const forced = join(tmp, 'events.txt')
  anbu.writeEvents(cohort.events, forced, 'jsonl')
  assert.equal(readFileSync(forced, 'utf8'), readFileSync(join(tmp, 'events.jsonl'), 'utf8'))
})

test('events as Parquet and Arrow IPC: written and read by the core, as in Python and the CLI', async () => {
  const csv = join(tmp, 'same.csv')
  anbu.writeEvents(cohort.events, csv)
  for (const ext of ['parquet', 'arrow', 'feather', 'ipc']) {
    const path = join(tmp, `events.${ext}`)
    anbu.writeEvents(cohort.events, path)
    assert.deepEqual(anbu.readEvents(path).events, anbu.readEvents(csv).events, ext)
    await anbu.writeEventsAsync(toColumns(cohort.events), join(tmp, `columns.${ext}`))
    assert.deepEqual((await anbu.readEventsAsync(join(tmp, `columns.${ext}`))).events, anbu.events(cohort.events), ext)
  }
  // A damaged file is a format error naming it.
  const bad = join(tmp, 'cut.parquet')
  writeFileSync(bad, readFileSync(join(tmp, 'events.parquet')).subarray(0, 100))
  throwsCode(assert, () => anbu.readEvents(bad), 'ANBU_FORMAT', 'cut.parquet')
})

test('assessments written hold every field, reasons included', async () => {
  const rows = anbu.replay(cohort.events, cohort.persons)
  assert.ok(rows.some((r) => r.reasons.length > 0))
  const path = join(tmp, 'rows.jsonl')
  anbu.writeAssessments(rows, path)
  const back = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  assert.deepEqual(back, JSON.parse(JSON.stringify(rows)))
  const csv = join(tmp, 'rows.csv')
  await anbu.writeAssessmentsAsync(rows, csv)
  const lines = readFileSync(csv, 'utf8').trim().split('\n')
  assert.equal(lines[0], 'person,at,score,level,action,responder,reasons,visit,call')
  assert.equal(lines.length, rows.length + 1)
})

test('writer errors name the format, the file, the row', async () => {
  throwsCode(assert, () => anbu.writeEvents(cohort.events, join(tmp, 'e.csv'), 'xml'), 'ANBU_INVALID_ARGUMENT', 'unknown format `xml`')
  throwsCode(assert, () => anbu.writeEvents(cohort.events, join(tmp, 'e.xlsx')), 'ANBU_INVALID_ARGUMENT', 'extension')
  throwsCode(assert, () => anbu.writeEvents(cohort.events, join(tmp, 'missing', 'e.csv')), 'ANBU_IO', 'cannot create')
  const bad = [{ person: 'p-1', ts: '2024-05-01T09:00:00+09:00', signal: 'plug', watts: -1 }]
  throwsCode(assert, () => anbu.writeEvents(bad, join(tmp, 'e.csv')), 'ANBU_INVALID_EVENT', 'watts')
  const rows = anbu.replay(cohort.events, cohort.persons).slice(0, 2)
  rows[1].level = 'loud'
  throwsCode(assert, () => anbu.writeAssessments(rows, join(tmp, 'a.csv')), 'ANBU_INVALID_ARGUMENT', '[1].level')
  await assert.rejects(anbu.writeAssessmentsAsync(rows, join(tmp, 'a.csv')), (e) => e.code === 'ANBU_INVALID_ARGUMENT')
})
