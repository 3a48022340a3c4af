// The verifier against the SDK's own signer (smithy SignatureV4) on shapes the SDK clients do not send:
// GET with a query string, a path, extra signed headers; and tampering with any signed part fails.
import {Hash} from '@smithy/hash-node'
import {HttpRequest} from '@smithy/protocol-http'
import {SignatureV4} from '@smithy/signature-v4'
import type {HttpRequest as SignedRequest} from '@smithy/types'
import {describe, expect, it} from 'vitest'

import {useSim} from '../support/sim.js'

describe('SigV4 verification', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
  const url = new URL(sim.endpoint)
  const signer = new SignatureV4({credentials: sim.credentialsFor('analyst'), region: 'us-east-1', service: 'sts', sha256: Hash.bind(null, 'sha256')})

  type Signed = SignedRequest
  async function send(req: HttpRequest, tamper?: (r: Signed) => void): Promise<{status: number; text: string}> {
    const signed = await signer.sign(req)
    tamper?.(signed)
    const qs = new URLSearchParams(signed.query as Record<string, string>).toString()
    const res = await fetch(`${sim.endpoint}${signed.path}${qs ? `?${qs}` : ''}`, {method: signed.method, headers: signed.headers, body: signed.body})
    return {status: res.status, text: await res.text()}
  }

  const get = () =>
    new HttpRequest({
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {Version: '2011-06-15', Action: 'GetCallerIdentity'},
      headers: {host: url.host, 'x-custom-thing': 'a  b   c'},
    })

  it('accepts a GET Query request with query parameters and extra signed headers', async () => {
    const r = await send(get())
    expect(r.status).toBe(200)
    expect(r.text).toContain('<Arn>arn:aws:iam::111122223333:user/analyst</Arn>')
    expect(r.text).toContain('xmlns="https://sts.amazonaws.com/doc/2011-06-15/"')
  })

  it('rejects a request whose signed query, header or path changed after signing', async () => {
    for (const tamper of [
      (r: Signed) => void (r.query = {...r.query, Extra: '1'}),
      (r: Signed) => void (r.headers['x-custom-thing'] = 'changed'),
      (r: Signed) => void (r.path = '/other'),
    ]) {
      const res = await send(get(), tamper)
      expect(res.status).toBe(403)
      expect(res.text).toContain('<Code>SignatureDoesNotMatch</Code>')
    }
  })

  it('answers an unknown Query action with InvalidAction, and an unknown JSON target with UnknownOperationException', async () => {
    const iamSigner = new SignatureV4({credentials: sim.rootCredentials, region: 'us-east-1', service: 'iam', sha256: Hash.bind(null, 'sha256')})
    const body = 'Action=MakeCoffee&Version=2010-05-08'
    const signed = await iamSigner.sign(new HttpRequest({method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers: {host: url.host, 'content-type': 'application/x-www-form-urlencoded'}, body}))
    const res = await fetch(`${sim.endpoint}/`, {method: 'POST', headers: signed.headers, body})
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('<Code>InvalidAction</Code><Message>Could not find operation MakeCoffee for version 2010-05-08</Message>')
    const ctSigner = new SignatureV4({credentials: sim.rootCredentials, region: 'us-east-1', service: 'cloudtrail', sha256: Hash.bind(null, 'sha256')})
    const jb = '{}'
    const js = await ctSigner.sign(new HttpRequest({method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers: {host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.MakeCoffee'}, body: jb}))
    const jr = await fetch(`${sim.endpoint}/`, {method: 'POST', headers: js.headers, body: jb})
    expect(jr.status).toBe(400)
    expect(await jr.json()).toEqual({__type: 'UnknownOperationException', message: 'Unknown operation MakeCoffee'})
  })

  it('refuses a signature older than 15 minutes, as AWS does', async () => {
    const signed = await signer.sign(get(), {signingDate: new Date(Date.now() - 20 * 60_000)})
    const qs = new URLSearchParams(signed.query as Record<string, string>).toString()
    const res = await fetch(`${sim.endpoint}/?${qs}`, {method: 'GET', headers: signed.headers})
    expect(res.status).toBe(403)
    expect(await res.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code><Message>Signature expired: \d{8}T\d{6}Z is now earlier than/)
  })

  it('answers an unsigned request with MissingAuthenticationToken', async () => {
    const res = await fetch(`${sim.endpoint}/`, {method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: {'content-type': 'application/x-www-form-urlencoded'}})
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>')
  })
})
