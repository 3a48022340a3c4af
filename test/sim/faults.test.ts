// Faults: IAM write throttling (token bucket), injected 5xx, added latency — each off by default.
import {CreateUserCommand, IAMClient, ListUsersCommand} from '@aws-sdk/client-iam'
import {describe, expect, it} from 'vitest'

import {parseFaults} from '../../src/sim/index.js'
import {useSim} from '../support/sim.js'

describe('faults', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/empty-account.yaml'})
  const client = () => new IAMClient({endpoint: sim.endpoint, region: 'us-east-1', credentials: sim.rootCredentials, maxAttempts: 1})

  it('throttles IAM writes beyond the bucket, leaves reads alone', async () => {
    // One token per 100 s: no refill can sneak in between the calls, however slow the machine.
    sim.setFaults({iamWriteRate: 0.01, iamWriteBurst: 2})
    const iam = client()
    try {
      await iam.send(new CreateUserCommand({UserName: 't1'}))
      await iam.send(new CreateUserCommand({UserName: 't2'}))
      await expect(iam.send(new CreateUserCommand({UserName: 't3'}))).rejects.toMatchObject({name: 'Throttling', message: 'Rate exceeded', $metadata: {httpStatusCode: 400}})
      await expect(iam.send(new ListUsersCommand({}))).resolves.toBeTruthy()
    } finally {
      sim.setFaults({iamWriteRate: 0})
      iam.destroy()
    }
  })

  it('injects 5xx at the configured rate, and adds latency', async () => {
    const iam = client()
    try {
      sim.setFaults({errorRate: 1})
      await expect(iam.send(new ListUsersCommand({}))).rejects.toMatchObject({$metadata: {httpStatusCode: 500}})
      sim.setFaults({errorRate: 0, latencyMs: 120})
      const t = Date.now()
      await iam.send(new ListUsersCommand({}))
      expect(Date.now() - t).toBeGreaterThanOrEqual(115)
    } finally {
      sim.setFaults({errorRate: 0, latencyMs: 0})
      iam.destroy()
    }
  })

  it('parses the --faults flag and rejects unknown keys', () => {
    expect(parseFaults('latency=50,errorRate=0.1,writeRate=5,consistency=2000')).toEqual({latencyMs: 50, errorRate: 0.1, iamWriteRate: 5, consistencyDelayMs: 2000})
    expect(() => parseFaults('bogus=1')).toThrowError(/Invalid --faults entry/)
  })
})
