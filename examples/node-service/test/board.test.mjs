// The board in a real browser: Debian's Chromium (/usr/bin/chromium), driven by playwright-core.
// Starts the service, registers persons with events so that one is critical, one at warning
// and the others normal, and checks the triage queue, the person page, acknowledging (after a
// reload and after a crash), the English labels and the escaping of a hostile person id.
// Screenshots go to test-output/board-*.png (gitignored); their paths are printed.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { start, tempDir } from '../harness.mjs'

const CHROMIUM = '/usr/bin/chromium'
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-output')
const H = 3_600_000
const HOSTILE = '<script>window.pwned=1</script>'
const HOSTILE_IMG = '<img src=x onerror="window.pwned=2">'

/** Chromium headless, offline, with a fresh profile directory (removed by `close`). */
async function browser() {
  const { chromium } = await import('playwright-core')
  const profile = mkdtempSync(join(tmpdir(), 'anbu-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1600, height: 900 },
  })
  const close = async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
  return { context, close }
}

async function shot(page, name) {
  mkdirSync(OUT, { recursive: true })
  const file = join(OUT, `board-${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  console.log(`screenshot: ${file}`)
  return file
}

/** The persons and their events, dated before now (the service takes events by the wall clock). */
async function seed(s) {
  const now = Date.now()
  const ts = (hoursAgo) => new Date(now - hoursAgo * H).toISOString()
  const persons = [
    { person: 'p-crit', profile: 'call_only' },
    { person: 'p-warn', profile: 'call_only' },
    { person: 'p-ok-1', profile: 'plug_only' },
    { person: 'p-ok-2', profile: 'plug_only' },
    { person: HOSTILE, profile: 'plug_only' },
    { person: HOSTILE_IMG, profile: 'plug_only' },
  ]
  assert.deepEqual((await s.call('POST', '/persons', persons)).body, { added: persons.length })
  const events = [
    { person: 'p-crit', ts: ts(1), signal: 'sos' },
    { person: 'p-warn', ts: ts(60), signal: 'call', direction: 'out', answered: true, duration_s: 60 },
    { person: 'p-warn', ts: ts(3), signal: 'checkin', outcome: 'missed' },
    { person: 'p-warn', ts: ts(2), signal: 'checkin', outcome: 'missed' },
    ...['p-ok-1', 'p-ok-2', HOSTILE, HOSTILE_IMG].map((person) => ({ person, ts: ts(1), signal: 'plug', device: 'plug-tv', watts: 85 })),
  ]
  const results = (await s.call('POST', '/events', events)).body.results
  assert.ok(results.every((r) => r.status === 'accepted'), JSON.stringify(results))
}

/** The queue's rows: person, level (data and label), acknowledged state. */
const queue = (page) =>
  page.$$eval('#queue tbody tr', (rows) =>
    rows.map((r) => ({
      person: r.dataset.person,
      level: r.querySelector('.level').dataset.level,
      label: r.querySelector('.level').textContent,
      acked: r.querySelector('[data-acked]')?.dataset.acked ?? null,
    })),
  )

test('the board in Chromium: queue, person page, acknowledge, languages, escaping', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM} (scripts/test-all installs Debian's chromium)` }, async () => {
  const dir = tempDir('anbu-board-')
  let s = await start(dir)
  const { context, close } = await browser()
  const dialogs = []
  try {
    await seed(s)
    const page = await context.newPage()
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      d.dismiss()
    })

    // The triage queue (Korean by default): the most urgent first, with its level's label.
    await page.goto(`${s.base}/board`)
    assert.equal(await page.getAttribute('html', 'lang'), 'ko')
    let rows = await queue(page)
    assert.deepEqual(
      rows.map((r) => [r.person, r.level, r.label]),
      [
        ['p-crit', 'critical', '위급'],
        ['p-warn', 'warning', '경고'],
      ],
    )
    assert.equal(await page.textContent('[data-count="normal"]'), '4')
    // Action, responder and the first reason, as the core wrote it.
    const first = await page.$$eval('#queue tbody tr:first-child td', (tds) => tds.map((td) => td.textContent))
    assert.equal(first[4], '현장 출동 (119)')
    // The responder follows the household's schedule at this hour (the day office on a
    // weekday's office hours in Seoul, the control center otherwise), as the core routed it.
    const crit = (await s.call('GET', '/assessments')).body.items.find((a) => a.person === 'p-crit')
    assert.equal(first[5], { day_office: '주간 담당 사무소', control_center: '관제센터' }[crit.responder])
    assert.match(first[6], /^emergency button pressed at \d{4}-\d\d-\d\d \d\d:\d\d$/)
    await shot(page, 'queue-ko')

    // Through to the person page: now and the timeline.
    await page.click('#queue tbody tr:first-child a.person')
    await page.waitForURL(/\/board\/persons\/p-crit\?lang=ko$/)
    assert.equal(await page.textContent('#person'), 'p-crit')
    assert.ok((await page.$$('#timeline tbody tr')).length >= 1)
    assert.match(await page.textContent('#timeline tbody tr:first-child'), /emergency button pressed/)
    assert.equal(await page.$('#ack [data-acked]'), null)
    assert.match(await page.textContent('#ack'), /미확인/)

    // Acknowledge: back on the person page, acknowledged with the time, also after a reload.
    await page.click('.ack-button')
    await page.waitForURL(/\/board\/persons\/p-crit\?lang=ko$/)
    await page.reload()
    assert.equal(await page.getAttribute('#ack [data-acked]', 'data-acked'), 'yes')
    assert.match(await page.textContent('#ack'), /확인됨 \d{4}-\d\d-\d\d \d\d:\d\d/)
    assert.equal(await page.$('.ack-button'), null)
    await shot(page, 'person-ko')

    await page.click('#back')
    rows = await queue(page)
    assert.deepEqual(
      rows.map((r) => [r.person, r.acked]),
      [
        ['p-crit', 'yes'],
        ['p-warn', null],
      ],
    )

    // A crash: the acknowledgement is in the journal.
    await s.stop('SIGKILL')
    s = await start(dir)
    await page.goto(`${s.base}/board`)
    rows = await queue(page)
    assert.deepEqual(rows[0], { person: 'p-crit', level: 'critical', label: '위급', acked: 'yes' })

    // English: labels switch, the core's reason text stays as the core wrote it.
    await page.click('#lang')
    await page.waitForURL(/lang=en/)
    assert.equal(await page.getAttribute('html', 'lang'), 'en')
    assert.equal(await page.textContent('h1'), 'Control center board')
    rows = await queue(page)
    assert.deepEqual(
      rows.map((r) => [r.person, r.label]),
      [
        ['p-crit', 'Critical'],
        ['p-warn', 'Warning'],
      ],
    )
    // A dispatch names its kind of visit: the button is 119.
    assert.equal(await page.$eval('#queue tbody tr:first-child td:nth-child(5)', (td) => td.textContent), 'Dispatch (119)')
    assert.deepEqual(await page.$$eval('#queue thead th', (ths) => ths.map((th) => th.textContent).slice(1, 8)), [
      'Person',
      'Level',
      'Score',
      'Action',
      'Responder',
      'Main reason',
      'Acknowledged',
    ])
    assert.match(await page.textContent('#queue tbody tr:first-child'), /Acknowledged \d{4}-\d\d-\d\d \d\d:\d\d/)
    await shot(page, 'queue-en')

    // Hostile person ids are text: no script runs, no element is made of them.
    await page.goto(`${s.base}/board?lang=en&level=normal`)
    rows = await queue(page)
    assert.equal(rows.length, 6)
    assert.deepEqual(rows.slice(2).map((r) => r.level), ['normal', 'normal', 'normal', 'normal'])
    const shown = await page.$$eval('#queue a.person', (as) => as.map((a) => a.textContent))
    assert.ok(shown.includes(HOSTILE) && shown.includes(HOSTILE_IMG), JSON.stringify(shown))
    assert.equal(await page.evaluate(() => window.pwned), undefined)
    assert.equal(await page.evaluate(() => document.querySelectorAll('main script, main img').length), 0)
    await shot(page, 'escaped-en')
    await page.click(`#queue tr[data-person="${HOSTILE.replace(/"/g, '\\"')}"] a.person`)
    await page.waitForURL(/\/board\/persons\/%3Cscript%3E/)
    assert.equal(await page.textContent('#person'), HOSTILE)
    assert.equal(await page.evaluate(() => window.pwned), undefined)
    assert.equal(await page.evaluate(() => document.querySelectorAll('script').length), 0)
    assert.deepEqual(dialogs, [])

    // An unknown person: a page saying so (404), in the page's language.
    const missing = await page.goto(`${s.base}/board/persons/nobody?lang=en`)
    assert.equal(missing.status(), 404)
    assert.match(await page.textContent('main'), /ANBU_UNKNOWN_PERSON/)
  } finally {
    await close()
    await s.stop('SIGTERM')
  }
})

test('acknowledgements outlive the journals snapshots drop; ids with a slash; a form without fields', async () => {
  const dir = tempDir('anbu-board-')
  let s = await start(dir)
  try {
    const now = Date.now()
    assert.deepEqual((await s.call('POST', '/persons', [{ person: 'p/1', profile: 'call_only' }])).body, { added: 1 })
    await s.call('POST', '/events', { person: 'p/1', ts: new Date(now - H).toISOString(), signal: 'sos' })
    const href = `/board/persons/${encodeURIComponent('p/1')}`
    assert.equal((await s.call('GET', href)).status, 200)
    // A form's post (fields as `application/x-www-form-urlencoded`, or no body at all).
    const ack = (path, form) =>
      fetch(`${s.base}${path}/ack`, {
        method: 'POST',
        redirect: 'manual',
        ...(form === undefined ? {} : { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }),
      })
    const form = await ack(href, 'lang=en&back=person')
    assert.equal(form.status, 303)
    assert.equal(form.headers.get('location'), `${href}?lang=en`)
    // No body at all: back to the board, in Korean.
    const bare = await ack(href)
    assert.deepEqual([bare.status, bare.headers.get('location')], [303, '/board?lang=ko'])
    // An unknown person cannot be acknowledged; a `back` elsewhere is refused.
    assert.equal((await ack('/board/persons/nobody')).status, 404)
    const away = await ack(href, 'back=https%3A%2F%2Fexample.com')
    assert.equal(away.status, 400)

    // Two snapshots drop the journal that holds the acknowledgement; a crash after them.
    for (let i = 0; i < 2; i++) {
      await s.call('GET', '/assessments')
      assert.match((await s.call('POST', '/snapshot')).body.file, /^state-\d+\.snap$/)
    }
    await s.stop('SIGKILL')
    s = await start(dir)
    const board = (await s.call('GET', '/board?lang=en')).body
    assert.match(board, /data-person="p\/1"/)
    assert.match(board, /data-acked="yes">Acknowledged \d{4}-\d\d-\d\d \d\d:\d\d/)
    // The JSON routes are as they were.
    assert.equal((await s.call('GET', '/assessments')).body.items[0].person, 'p/1')
  } finally {
    await s.stop('SIGTERM')
  }
})
