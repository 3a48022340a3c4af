import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {exitCodeHelp} from '../errors.js'
import {accountStatus} from '../engine/status.js'

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'What lockdown has done in this account, read from the account itself (not the journal).'
  static override description =
    'Lists every principal carrying a lockdown revocation (each part: the run that wrote it, its cutoff and single sessions), the keys lockdown holds Inactive and the runs holding them, and break-glass grants with their expiry. A revocation is marked no-op once every credential it could deny has expired (role sessions last at most 12 h, GetSessionToken/GetFederationToken credentials 36 h): `lockdown tidy` removes those. In the management account it also lists lockdown\'s revocation SCPs (revoke-org: name, targets, cutoff per run) and marks those that deny nothing any more: `lockdown tidy --scps` detaches and deletes them, freeing SCP slots (five per target).' +
    '\n\n' +
    exitCodeHelp()
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --incident INC-2041 --json']
  static override flags = {incident: Flags.string({description: 'Only the break-glass grants of this incident.'})}

  async run() {
    const r = await accountStatus({aws: this.awsOptions(), incident: this.flags.incident})
    this.say(`Account ${r.account} at ${r.at}`)
    this.say(r.revocations.length ? 'Revocations (LockdownRevokeOlderSessions):' : 'No lockdown revocations.')
    for (const v of r.revocations) {
      this.say(`  ${v.kind} ${v.name}${v.noOp ? '  [no-op: every credential it could deny has expired; lockdown tidy]' : ''}`)
      for (const p of v.parts) {
        const what = [p.allBefore && `sessions issued before ${p.allBefore}`, ...(p.sessions ?? []).map((s) => `${'userId' in s.match ? s.match.userId : `SourceIdentity ${s.match.sourceIdentity}`} before ${s.before}`)].filter(Boolean)
        this.say(`    run ${p.run ?? '(unrecorded)'}: ${what.join('; ')}${p.noOp ? ' (no-op)' : ''}`)
      }
    }
    this.say(r.keys.length ? 'Keys lockdown holds Inactive:' : 'No keys held Inactive by lockdown.')
    for (const k of r.keys) this.say(`  ${k.user} ${k.accessKeyId}: ${k.status}, held by run ${k.runs.join(', ')}`)
    this.say(r.grants.length ? 'Break-glass grants:' : 'No break-glass grants.')
    for (const g of r.grants) {
      this.say(`  ${g.role}${g.incident ? ` [${g.incident}]` : ''}: ${g.open ? `open until ${g.expiry}` : `closed${g.closedBy ? ` by run ${g.closedBy}` : ''}`}; responders ${g.responders.join(', ') || 'none'}; granted by run ${g.run ?? '?'}`)
    }
    if (r.scpsUnread) this.say(r.scpsUnread)
    else this.say(r.scps.length ? 'Revocation SCPs (revoke-org):' : 'No lockdown revocation SCPs.')
    for (const p of r.scps) {
      this.say(`  ${p.name} (${p.id}) attached to ${p.targets.join(', ') || 'nothing'}, cutoff ${p.cutoff}${p.noOp ? '  [no-op: every session it could deny has expired; frees a slot: lockdown tidy --scps]' : ''}`)
      for (const part of p.parts) this.say(`    run ${part.run}: sessions issued before ${part.cutoff}${part.noOp ? ' (no-op)' : ''}`)
    }
    return r
  }
}
