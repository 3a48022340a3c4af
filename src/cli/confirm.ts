// The confirmation before lockdown writes to an account. Only a person at a terminal can say yes;
// scripts must pass --yes, and are refused (exit 2) before anything is read or written otherwise.
import {createInterface} from 'node:readline/promises'

import {InvalidInputError} from '../errors.js'

export function requireConfirmable(yes: boolean, retry: string): void {
  if (!yes && !process.stdin.isTTY) {
    throw new InvalidInputError('refusing to change the account without confirmation: stdin is not a terminal', [], {
      next: `review the plan, then run: ${retry} --yes`,
    })
  }
}

export async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    const answer = await rl.question(`${question} [y/N] `)
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}
