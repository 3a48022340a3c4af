import {BaseCommand} from '../../cli/base-command.js'
import {listGrants} from '../../engine/breakglass.js'

export default class List extends BaseCommand<typeof List> {
  static override summary = 'List break-glass grants: incident, responders, expiry, time left, last used.'
  static override examples = ['<%= config.bin %> breakglass list', '<%= config.bin %> breakglass list --json']

  async run() {
    const grants = await listGrants(this.awsOptions())
    if (!grants.length) this.say('No break-glass roles (tag lockdown:break-glass=true under /lockdown/).')
    for (const g of grants) {
      const left = g.open && g.minutesLeft !== undefined ? `${Math.floor(g.minutesLeft / 60)}h${String(g.minutesLeft % 60).padStart(2, '0')}m left` : 'closed'
      const assumed = g.lastAssumed ? `last assumed ${g.lastAssumed.at} by ${g.lastAssumed.by}` : `last used ${g.lastUsed ?? 'never'}`
      this.say(`${g.role}  ${g.incident ?? '-'}  ${left}  until ${g.expiry ?? '?'}${g.mfa ? '  MFA' : ''}  ${assumed}`)
      for (const r of g.responders) this.say(`  responder ${r}`)
    }
    return {grants}
  }
}
