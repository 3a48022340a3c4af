// Flags several commands share, defined once so their help text agrees.
import {Flags} from '@oclif/core'

import {InvalidInputError} from '../errors.js'
import {parseSetFlags, type VarValue} from '../playbook/vars.js'

export const setFlag = Flags.string({
  description: 'Set a playbook variable (NAME=VALUE); repeatable. Overrides vars: and incident.',
  multiple: true,
  default: [],
})

export function setVars(sets: readonly string[]): Record<string, VarValue> {
  const {vars, errors} = parseSetFlags(sets)
  if (errors.length) throw new InvalidInputError(errors.join('; '), [], {next: 'use --set NAME=VALUE'})
  return vars
}
