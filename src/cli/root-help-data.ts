// Build time (prepack) and the test: oclif's own answer to "what does the root help list" — its topics
// with children, its visible commands of every plugin, sorted and de-duplicated, each with the summary
// oclif shows — written to dist/root-help.json for bin/run.js's fast path (root-help.ts lays it out).
import {Config, Help} from '@oclif/core'

import type {RootHelpData} from './root-help.js'

/** The protected parts of oclif's Help this reads (public in its JavaScript). */
interface HelpInternals {
  sortedTopics: {name: string; description?: string}[]
  sortedCommands: {id: string; summary?: string; description?: string}[]
  summary(c: {summary?: string; description?: string}): string | undefined
}

export async function rootHelpData(root: string): Promise<RootHelpData> {
  const config = await Config.load(root)
  const help = new Help(config) as unknown as HelpInternals
  const oclif = config.pjson.oclif as {description?: string; state?: string}
  if (oclif.state) throw new Error(`oclif.state is set (${oclif.state}): the root help fast path does not print it`)
  const separate = (id: string) => id.replaceAll(':', config.topicSeparator)
  return {
    name: config.name,
    version: config.version,
    bin: config.bin,
    description: (oclif.description || config.pjson.description || '').split('\n')[0]!,
    topics: help.sortedTopics.filter((t) => !t.name.includes(':')).map((t) => [separate(t.name), t.description?.split('\n')[0]]),
    commands: help.sortedCommands.filter((c) => !c.id.includes(':')).map((c) => [separate(c.id), help.summary(c)]),
  }
}
