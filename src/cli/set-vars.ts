// `--set NAME=VALUE` flags to playbook variables. Apart from flags.ts (which defines the oclif flag) so
// that bin/run.js's validate fast path (validate-fast.ts) can use it without loading oclif.
import {InvalidInputError} from '../errors.js'
import {parseSetFlags, type VarValue} from '../playbook/vars.js'

export function setVars(sets: readonly string[]): Record<string, VarValue> {
  const {vars, errors} = parseSetFlags(sets)
  if (errors.length) throw new InvalidInputError(errors.join('; '), [], {next: 'use --set NAME=VALUE'})
  return vars
}
