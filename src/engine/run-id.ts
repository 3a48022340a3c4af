// Run ids sort by time and are safe in file names, session names and user agents.
import {randomBytes} from 'node:crypto'

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return `${stamp}-${randomBytes(2).toString('hex')}`
}

export const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/
