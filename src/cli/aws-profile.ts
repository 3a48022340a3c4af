// Writes session credentials as a named profile in the shared credentials file, readable by the owner
// only (0600). This and the credential output formats are the only places secrets ever go.
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

import type {SessionCredentials} from '../aws/sts-sessions.js'

export function credentialsFilePath(): string {
  return process.env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials')
}

export function writeProfile(name: string, c: SessionCredentials, path = credentialsFilePath()): string {
  const section = [`[${name}]`, `aws_access_key_id = ${c.accessKeyId}`, `aws_secret_access_key = ${c.secretAccessKey}`, `aws_session_token = ${c.sessionToken}`, `# expires ${c.expiration} (lockdown breakglass)`]
  const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
  // Replace the section if it exists: everything from its header to the next header.
  const kept = text.replace(new RegExp(`^\\[${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\][^[]*`, 'm'), '').trimEnd()
  mkdirSync(dirname(path), {recursive: true, mode: 0o700})
  writeFileSync(path, `${kept ? `${kept}\n\n` : ''}${section.join('\n')}\n`, {mode: 0o600})
  chmodSync(path, 0o600)
  return path
}

/** credential_process output (Version 1), for `credential_process = lockdown breakglass assume ...`. */
export function credentialProcessJson(c: SessionCredentials): string {
  return JSON.stringify({Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiration})
}

export function envExports(c: SessionCredentials): string {
  return [`export AWS_ACCESS_KEY_ID=${c.accessKeyId}`, `export AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`, `export AWS_SESSION_TOKEN=${c.sessionToken}`, `# expires ${c.expiration}`].join('\n')
}
