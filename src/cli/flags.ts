// Flags several commands share, defined once so their help text agrees.
import {Args, Flags} from '@oclif/core'

import {resolvePlaybookFile} from '../playbook/shipped.js'

export {setVars} from './set-vars.js'

export const setFlag = Flags.string({
  description: 'Set a playbook variable (NAME=VALUE); repeatable. Overrides vars: and incident.',
  multiple: true,
  default: [],
})

export const reportsDirFlag = Flags.string({
  description: 'A directory, besides the working directory, that report: paths may write into.',
})

/** A playbook: a path, or the name of a shipped one (`leaked-access-key`), so an installed lockdown works from any folder. */
export const playbookArg = Args.string({description: 'Playbook file, or the name of a shipped playbook (e.g. leaked-access-key)', required: true, parse: async (s) => resolvePlaybookFile(s)})

/** A drill: a path, or the name `lockdown drill list` shows. */
export const drillArg = Args.string({description: 'Drill file, or a shipped drill by name (see: lockdown drill list)', required: true, parse: async (s) => resolvePlaybookFile(s, 'drill')})
