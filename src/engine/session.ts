// What every engine entry point (plan, run, resume, undo) sets up first: SDK clients stamped with the
// run id, the caller's identity (preflight), and the environment actions see.
import {makeClients, type AwsOptions, type Clients} from '../aws/clients.js'
import {resolveCaller} from './caller.js'
import type {PlanEnv} from './plan.js'

export interface EngineSession extends PlanEnv {
  clients: Clients
  close(): void
}

export async function openSession(opts: {aws: AwsOptions; runId: string; signal?: AbortSignal; log?: (m: string) => void}): Promise<EngineSession> {
  const clients = makeClients({...opts.aws, runId: opts.runId})
  const signal = opts.signal ?? new AbortController().signal
  try {
    const caller = await resolveCaller(clients, signal)
    return {clients, caller, aws: opts.aws, runId: opts.runId, signal, now: () => new Date(), log: opts.log ?? (() => {}), close: () => clients.destroy()}
  } catch (error) {
    clients.destroy()
    throw error
  }
}
