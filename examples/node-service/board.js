// The control center's board: server-rendered HTML over the service's engine.
//
//   GET  /board                      the triage queue: everyone at `watch` or above (`?level=`),
//                                    most urgent first (the ranking of GET /assessments)
//   GET  /board/persons/:person      a person: now, and the timeline of their assessments
//   POST /board/persons/:person/ack  an operator acknowledges the person's current state
//
// `?lang=ko|en` (default ko); every UI string is in STRINGS below. Reason texts are the core's.
// Every value put into HTML goes through `esc` (person ids come from clients).
'use strict'

const { Profile } = require('anbu')
const { LEVELS, RANK, ACTIONS } = require('./levels')

/** Every UI string, per language. The core's reason texts are shown as the core writes them. */
const STRINGS = {
  ko: {
    title: '관제 현황판',
    queue: '조치 대기 목록',
    queueNote: '긴급한 순서 (단계, 점수 순). 시각은 대상자의 현지 시각입니다.',
    assessedAt: '평가 시각',
    counts: '단계별 인원',
    person: '대상자',
    level: '단계',
    score: '점수',
    action: '조치',
    responder: '담당',
    reason: '주요 사유',
    reasons: '사유',
    time: '시각',
    until: '마지막 평가',
    ack: '확인',
    ackButton: '확인 처리',
    acked: '확인됨',
    ackStale: '확인 후 단계 상승',
    notAcked: '미확인',
    nobody: '조치가 필요한 대상자가 없습니다.',
    showAll: '전체 보기',
    showQueue: '조치 대상만',
    back: '현황판으로',
    now: '현재 평가',
    timeline: '평가 이력',
    timelineNote: '이 서비스가 수행한 평가 (같은 단계·조치·담당·사유가 이어지면 한 줄로 묶음). 최근 순.',
    signalsNote: '신호 내용은 엔진 밖에 보관하지 않으므로 평가만 표시합니다.',
    noHistory: '이력이 없습니다.',
    profile: '프로필',
    timezone: '시간대',
    refresh: '자동 새로고침',
    seconds: '초',
    lang: 'English',
    langHref: 'en',
    error: '오류',
    levels: { normal: '정상', watch: '관심', warning: '경고', critical: '위급' },
    actions: { none: '조치 없음', checkin_call: '안부 전화', notify: '담당자 통보', dispatch: '현장 출동' },
    visits: { visit: '직원 방문', police: '경찰', 119: '119' },
    responders: { day_office: '주간 담당 사무소', control_center: '관제센터' },
  },
  en: {
    title: 'Control center board',
    queue: 'Triage queue',
    queueNote: 'Most urgent first (level, then score). Times are in each person\u2019s local time.',
    assessedAt: 'Assessed at',
    counts: 'Persons by level',
    person: 'Person',
    level: 'Level',
    score: 'Score',
    action: 'Action',
    responder: 'Responder',
    reason: 'Main reason',
    reasons: 'Reasons',
    time: 'Time',
    until: 'Last assessed',
    ack: 'Acknowledged',
    ackButton: 'Acknowledge',
    acked: 'Acknowledged',
    ackStale: 'Escalated since acknowledged',
    notAcked: 'Not acknowledged',
    nobody: 'Nobody needs action.',
    showAll: 'Show everyone',
    showQueue: 'Only those needing action',
    back: 'Back to the board',
    now: 'Now',
    timeline: 'Assessments',
    timelineNote: 'Assessments this service made (consecutive ones with the same level, action, responder and reasons on one row), newest first.',
    signalsNote: 'The service keeps no signal contents outside the engine: assessments only.',
    noHistory: 'No assessments yet.',
    profile: 'Profile',
    timezone: 'Time zone',
    refresh: 'Auto-refresh',
    seconds: 's',
    lang: '한국어',
    langHref: 'ko',
    error: 'Error',
    levels: { normal: 'Normal', watch: 'Watch', warning: 'Warning', critical: 'Critical' },
    actions: { none: 'None', checkin_call: 'Check-in call', notify: 'Notify caseworker', dispatch: 'Dispatch' },
    visits: { visit: 'staff visit', police: 'police', 119: '119' },
    responders: { day_office: 'Day office', control_center: 'Control center' },
  },
}
const LANGS = Object.keys(STRINGS)
const DEFAULT_TZ = 'Asia/Seoul'
/** Rows of a person's timeline kept in memory. */
const HISTORY_ROWS = 50
/** Rows of the queue shown at most. */
const QUEUE_ROWS = 500

/** Text for HTML (element content and quoted attribute values). */
function esc(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])
}

/** A time zone's formatter of `YYYY-MM-DD HH:mm` with its offset (cached per zone). */
const formatters = new Map()
function localTime(at, tz) {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
    formatters.set(tz, f)
  }
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]))
  const offset = p.timeZoneName.replace(/^GMT/, '') || '+00:00'
  return { text: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`, offset }
}

/** A built-in profile's time zone (the service has no profiles of its own). */
const zones = new Map()
function profileZone(name) {
  if (!zones.has(name)) {
    let tz = DEFAULT_TZ
    try {
      tz = Profile.builtin(name).toObject().timezone || DEFAULT_TZ
    } catch {
      // not a built-in profile: the default zone
    }
    zones.set(name, tz)
  }
  return zones.get(name)
}

/** An assessment's action as the board names it, a dispatch with its kind of visit: `현장 출동 (경찰)`. */
const actionLabel = (t, a) => {
  const action = t.actions[a.action] ?? a.action
  return a.visit ? `${action} (${t.visits[a.visit] ?? a.visit})` : action
}

/** Same row of the timeline: nothing an operator acts on changed. */
const sameRow = (a, b) =>
  a.level === b.level &&
  a.action === b.action &&
  a.visit === b.visit &&
  a.responder === b.responder &&
  a.reasons.length === b.reasons.length &&
  a.reasons.every((r, i) => r.kind === b.reasons[i].kind && r.signal === b.reasons[i].signal)

/**
 * What the board keeps: each person's recent assessments (in memory, rebuilt from the journal
 * entries a start replays) and operators' acknowledgements (journaled; carried into each new
 * journal when the service snapshots, so they outlive the journals a snapshot drops).
 */
class BoardState {
  constructor() {
    this.history = new Map()
    this.acks = new Map()
  }

  /** Notes assessments (the engine's output) in each person's timeline. */
  record(assessments) {
    for (const a of Array.isArray(assessments) ? assessments : [assessments]) {
      const rows = this.history.get(a.person) ?? []
      const last = rows.at(-1)
      if (last && sameRow(last, a)) {
        last.until = a.at
        last.score = a.score
        last.reasons = a.reasons
        continue
      }
      rows.push({ ...a, until: a.at })
      if (rows.length > HISTORY_ROWS) rows.shift()
      this.history.set(a.person, rows)
    }
  }

  /** Applies a journal entry of the board's (`ack`, `acks`); false for any other entry. */
  replay(entry) {
    if (entry.ack) this.acks.set(entry.ack.person, entry.ack)
    else if (entry.acks) for (const a of entry.acks) this.acks.set(a.person, a)
    else return false
    return true
  }

  /** The journal entries that carry the acknowledgements into a new journal. */
  carry() {
    return this.acks.size ? [{ acks: [...this.acks.values()] }] : []
  }

  /**
   * A person's acknowledgement as it stands for assessment `a`: `current` while the person is
   * no more urgent than when it was given (level and action), `stale` after an escalation.
   */
  ackOf(a) {
    const ack = this.acks.get(a.person)
    if (!ack) return null
    const escalated = RANK[a.level] > RANK[ack.level] || ACTIONS.indexOf(a.action) > ACTIONS.indexOf(ack.action)
    return { ...ack, stale: escalated }
  }
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:20px/1.4 system-ui,"NanumGothic","Noto Sans CJK KR","Malgun Gothic",sans-serif;background:#101418;color:#f2f2f2}
header{display:flex;flex-wrap:wrap;gap:1em;align-items:baseline;padding:.6em 1em;background:#1d252c;border-bottom:3px solid #3a4750}
header h1{margin:0;font-size:1.6em}
header nav{margin-left:auto;display:flex;gap:1em}
a{color:#8fd0ff}
main{padding:1em}
h2{font-size:1.35em;margin:.4em 0}
.note{color:#b8c2cc;font-size:.85em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{padding:.45em .6em;border-bottom:1px solid #333f48;text-align:left;vertical-align:top}
th{background:#1d252c;font-size:.9em;color:#cfd8dc}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.level{display:inline-block;min-width:4.5em;padding:.1em .5em;border-radius:.3em;font-weight:700;text-align:center;border:2px solid}
.level-critical{background:#b3001b;border-color:#ff5c70;color:#fff}
.level-warning{background:#d96c00;border-color:#ffb35c;color:#fff}
.level-watch{background:#f2d024;border-color:#fff07a;color:#111}
.level-normal{background:#25613a;border-color:#5fbf7f;color:#fff}
tr.row-critical td:first-child{border-left:8px solid #ff5c70}
tr.row-warning td:first-child{border-left:8px solid #ffb35c}
tr.row-watch td:first-child{border-left:8px solid #fff07a}
tr.row-normal td:first-child{border-left:8px solid #5fbf7f}
.person{font-family:ui-monospace,monospace;font-size:1.05em}
.ack{color:#9be59b}.ack.stale{color:#ffb35c}.unacked{color:#b8c2cc}
button{font:inherit;font-size:.9em;padding:.3em .8em;border-radius:.3em;border:2px solid #8fd0ff;background:#12344d;color:#fff;cursor:pointer}
.counts{display:flex;gap:.8em;flex-wrap:wrap;margin:.3em 0}
ul.reasons{margin:0;padding-left:1.1em}
.detail{font-size:.9em}
`

/** The page around `body`. */
function page(t, lang, title, body, { refresh = 0, langLink }) {
  return `<!doctype html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh > 0 ? `<meta http-equiv="refresh" content="${esc(refresh)}">` : ''}
<title>${esc(title)} · anbu</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><nav><a href="/board?lang=${esc(lang)}">${esc(t.title)}</a><a id="lang" href="${esc(langLink)}" hreflang="${esc(t.langHref)}">${esc(t.lang)}</a></nav></header>
<main>
${body}
</main>
</body>
</html>
`
}

/** A level's badge: its label in words, its colour only a second cue. */
const badge = (t, level) => `<span class="level level-${esc(level)}" data-level="${esc(level)}">${esc(t.levels[level] ?? level)}</span>`

/** An acknowledgement's cell. */
function ackCell(t, ack) {
  if (!ack) return `<span class="unacked">${esc(t.notAcked)}</span>`
  const when = localTime(ack.time, ack.tz)
  const label = ack.stale ? t.ackStale : t.acked
  return `<span class="ack${ack.stale ? ' stale' : ''}" data-acked="${ack.stale ? 'stale' : 'yes'}">${esc(label)} ${esc(when.text)}</span>`
}

/** The acknowledge button (a form: works without scripts). */
const ackForm = (t, lang, person, back) =>
  `<form method="post" action="/board/persons/${esc(encodeURIComponent(person))}/ack"><input type="hidden" name="lang" value="${esc(lang)}"><input type="hidden" name="back" value="${esc(back)}"><button type="submit" class="ack-button">${esc(t.ackButton)}</button></form>`

/** Whether an operator still has something to acknowledge: an action, not acknowledged since it escalated. */
const needsAck = (a, ack) => a.action !== 'none' && (!ack || ack.stale)

const personHref = (person, lang) => `/board/persons/${encodeURIComponent(person)}?lang=${lang}`

/**
 * Registers the board's routes on `app`. `service` gives what the service has:
 *   ranked(at, level, where?): everyone (of `where`'s district / caseworker) at `level` or above,
 *   assessed at `at`, most urgent first (the core's triage queue);
 *   assess(person, at): one person's assessment (journaled as the service journals them);
 *   journal(entry): appends an entry to the journal (flushed before it returns);
 *   persons(): the registered persons; state: the BoardState; at(q): the time of a query;
 *   statusOf(err): the HTTP status of an error.
 */
function registerBoard(app, service) {
  const { ranked, assess, journal, persons, state, at, statusOf } = service
  const langOf = (q) => (LANGS.includes(q?.lang) ? q.lang : 'ko')
  /** The time zone of each person, by their profile. */
  const zoneOf = () => {
    const map = new Map()
    for (const p of persons()) map.set(p.person, profileZone(p.profile))
    return (person) => map.get(person) ?? DEFAULT_TZ
  }
  const langQuery = { type: 'string', enum: LANGS }

  app.register(async (board) => {
    // Forms post `application/x-www-form-urlencoded`.
    board.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body)))
    })
    // Errors as a page (the message of a 4xx is the core's or the schema's, escaped).
    board.setErrorHandler((err, req, reply) => {
      const status = statusOf(err)
      if (status >= 500) req.log.error({ code: err.code ?? null }, 'request failed')
      const lang = langOf(req.query)
      const t = STRINGS[lang]
      const message = status >= 500 && !err.code ? 'internal error' : err.message
      const body = `<h2>${esc(t.error)} ${esc(status)}</h2><p class="detail">${esc(err.code ?? 'ERROR')}: ${esc(message)}</p><p><a href="/board?lang=${esc(lang)}">${esc(t.back)}</a></p>`
      reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(page(t, lang, t.error, body, { langLink: `/board?lang=${t.langHref}` }))
    })

    board.get(
      '/board',
      {
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              lang: langQuery,
              at: { type: 'string', maxLength: 100 },
              level: { type: 'string', enum: LEVELS, default: 'watch' },
              district: { type: 'string', minLength: 1, maxLength: 128 },
              caseworker: { type: 'string', minLength: 1, maxLength: 128 },
              refresh: { type: 'integer', minimum: 0, maximum: 3600, default: 60 },
            },
          },
        },
      },
      async (req, reply) => {
        const q = req.query
        const lang = langOf(q)
        const t = STRINGS[lang]
        const when = at(q.at)
        // One district's or caseworker's queue (the core's triage filter), when asked.
        const where = {}
        if (q.district !== undefined) where.district = q.district
        if (q.caseworker !== undefined) where.caseworker = q.caseworker
        const all = ranked(when, 'normal', where)
        const rows = all.filter((a) => RANK[a.level] >= RANK[q.level])
        const zone = zoneOf()
        const counts = Object.fromEntries(LEVELS.map((l) => [l, 0]))
        for (const a of all) counts[a.level]++
        const body = []
        const at0 = all[0]?.at ?? new Date(typeof when === 'number' ? when : Date.parse(when)).toISOString()
        const now = localTime(at0, DEFAULT_TZ)
        body.push(`<h2>${esc(t.queue)}</h2>`)
        body.push(`<p class="note">${esc(t.queueNote)} ${esc(t.assessedAt)}: <time datetime="${esc(at0)}">${esc(now.text)} (${esc(DEFAULT_TZ)} ${esc(now.offset)})</time>`)
        if (q.refresh > 0) body.push(` · ${esc(t.refresh)} ${esc(q.refresh)}${esc(t.seconds)}`)
        body.push('</p>')
        body.push(
          `<div class="counts" aria-label="${esc(t.counts)}">${[...LEVELS]
            .reverse()
            .map((l) => `<span>${badge(t, l)} <b data-count="${esc(l)}">${esc(counts[l])}</b></span>`)
            .join('')}</div>`,
        )
        const other = q.level === 'normal' ? 'watch' : 'normal'
        body.push(`<p><a id="scope" href="/board?lang=${esc(lang)}&amp;level=${esc(other)}">${esc(q.level === 'normal' ? t.showQueue : t.showAll)}</a></p>`)
        if (!rows.length) body.push(`<p id="empty">${esc(t.nobody)}</p>`)
        else {
          body.push(
            `<table id="queue"><thead><tr><th>#</th><th>${esc(t.person)}</th><th>${esc(t.level)}</th><th>${esc(t.score)}</th><th>${esc(t.action)}</th><th>${esc(t.responder)}</th><th>${esc(t.reason)}</th><th>${esc(t.ack)}</th><th></th></tr></thead><tbody>`,
          )
          rows.slice(0, QUEUE_ROWS).forEach((a, i) => {
            const tz = zone(a.person)
            const ack = state.ackOf(a)
            const first = a.reasons[0]
            body.push(
              `<tr class="row-${esc(a.level)}" data-person="${esc(a.person)}"><td class="num">${i + 1}</td>` +
                `<td><a class="person" href="${esc(personHref(a.person, lang))}">${esc(a.person)}</a></td>` +
                `<td>${badge(t, a.level)}</td><td class="num">${esc(a.score.toFixed(1))}</td>` +
                `<td>${esc(actionLabel(t, a))}</td><td>${esc(t.responders[a.responder] ?? a.responder)}</td>` +
                `<td class="detail">${first ? esc(first.detail) : ''}</td>` +
                `<td>${ack || a.action !== 'none' ? ackCell(t, ack && { ...ack, tz }) : ''}</td>` +
                `<td>${needsAck(a, ack) ? ackForm(t, lang, a.person, 'board') : ''}</td></tr>`,
            )
          })
          body.push('</tbody></table>')
        }
        reply.type('text/html; charset=utf-8')
        return page(t, lang, t.title, body.join('\n'), {
          refresh: q.refresh,
          langLink: `/board?lang=${t.langHref}&level=${q.level}&refresh=${q.refresh}`,
        })
      },
    )

    const personParams = { type: 'object', properties: { person: { type: 'string' } } }
    board.get(
      '/board/persons/:person',
      { schema: { params: personParams, querystring: { type: 'object', additionalProperties: false, properties: { lang: langQuery } } } },
      async (req, reply) => {
        const lang = langOf(req.query)
        const t = STRINGS[lang]
        const person = req.params.person
        const a = assess(person, at(undefined))
        const registered = persons().find((p) => p.person === person)
        const tz = profileZone(registered?.profile)
        const ack = state.ackOf(a)
        const now = localTime(a.at, tz)
        const body = []
        body.push(`<p><a id="back" href="/board?lang=${esc(lang)}">${esc(t.back)}</a></p>`)
        body.push(`<h2><span class="person" id="person">${esc(person)}</span> ${badge(t, a.level)}</h2>`)
        body.push(`<p class="note">${esc(t.profile)}: ${esc(registered?.profile ?? '')} · ${esc(t.timezone)}: ${esc(tz)} (${esc(now.offset)})</p>`)
        body.push(
          `<table id="now"><tbody>` +
            `<tr><th>${esc(t.now)}</th><td><time datetime="${esc(a.at)}">${esc(now.text)}</time></td></tr>` +
            `<tr><th>${esc(t.score)}</th><td>${esc(a.score.toFixed(1))}</td></tr>` +
            `<tr><th>${esc(t.action)}</th><td>${esc(actionLabel(t, a))}</td></tr>` +
            `<tr><th>${esc(t.responder)}</th><td>${esc(t.responders[a.responder] ?? a.responder)}</td></tr>` +
            `<tr><th>${esc(t.reasons)}</th><td>${reasonList(a.reasons)}</td></tr>` +
            `<tr><th>${esc(t.ack)}</th><td id="ack">${ackCell(t, ack && { ...ack, tz })} ${needsAck(a, ack) ? ackForm(t, lang, person, 'person') : ''}</td></tr>` +
            `</tbody></table>`,
        )
        body.push(`<h2>${esc(t.timeline)}</h2><p class="note">${esc(t.timelineNote)} ${esc(t.signalsNote)}</p>`)
        const rows = [...(state.history.get(person) ?? [])].reverse()
        if (!rows.length) body.push(`<p>${esc(t.noHistory)}</p>`)
        else {
          body.push(
            `<table id="timeline"><thead><tr><th>${esc(t.time)}</th><th>${esc(t.until)}</th><th>${esc(t.level)}</th><th>${esc(t.score)}</th><th>${esc(t.action)}</th><th>${esc(t.responder)}</th><th>${esc(t.reasons)}</th></tr></thead><tbody>`,
          )
          for (const r of rows) {
            const from = localTime(r.at, tz)
            const until = localTime(r.until, tz)
            body.push(
              `<tr class="row-${esc(r.level)}"><td><time datetime="${esc(r.at)}">${esc(from.text)}</time></td>` +
                `<td>${r.until === r.at ? '' : `<time datetime="${esc(r.until)}">${esc(until.text)}</time>`}</td>` +
                `<td>${badge(t, r.level)}</td><td class="num">${esc(r.score.toFixed(1))}</td>` +
                `<td>${esc(actionLabel(t, r))}</td><td>${esc(t.responders[r.responder] ?? r.responder)}</td>` +
                `<td>${reasonList(r.reasons)}</td></tr>`,
            )
          }
          body.push('</tbody></table>')
        }
        reply.type('text/html; charset=utf-8')
        return page(t, lang, t.title, body.join('\n'), { langLink: personHref(person, t.langHref) })
      },
    )

    board.post(
      '/board/persons/:person/ack',
      {
        schema: {
          params: personParams,
          body: {
            type: ['object', 'null'],
            properties: { lang: langQuery, back: { type: 'string', enum: ['board', 'person'] } },
          },
        },
      },
      async (req, reply) => {
        const person = req.params.person
        const body = req.body ?? {}
        const lang = langOf(body)
        // What is acknowledged: the person's state now (an escalation after it shows again).
        const a = assess(person, at(undefined))
        const ack = { person, time: Date.now(), level: a.level, action: a.action }
        journal({ ack })
        state.replay({ ack })
        const to = body.back === 'person' ? personHref(person, lang) : `/board?lang=${lang}`
        return reply.redirect(to, 303)
      },
    )
  })
}

/** The core's reasons, strongest first, with their contributions. */
function reasonList(reasons) {
  if (!reasons.length) return ''
  return `<ul class="reasons">${reasons
    .map((r) => `<li class="detail">${esc(r.detail)} <span class="note">(${esc(r.kind)}, ${esc(r.contribution >= 0 ? '+' : '')}${esc(r.contribution.toFixed(1))})</span></li>`)
    .join('')}</ul>`
}

module.exports = { registerBoard, BoardState, STRINGS, esc, localTime }
