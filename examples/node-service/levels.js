// The spec's ordered enums (the binding's `Level`, `Action`), lowest first.
'use strict'

/** Levels, lowest first: the order of the triage queue. */
const LEVELS = ['normal', 'watch', 'warning', 'critical']
const RANK = Object.fromEntries(LEVELS.map((l, i) => [l, i]))
/** Actions, the least first. */
const ACTIONS = ['none', 'checkin_call', 'notify', 'dispatch']

module.exports = { LEVELS, RANK, ACTIONS }
