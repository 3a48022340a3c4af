// What the by-hand SDK loops of the revoke benches share: the one account read lockdown's plan makes.
import {GetAccountAuthorizationDetailsCommand, type IAMClient, type RoleDetail} from '@aws-sdk/client-iam'

/** Every role with its tags, inline policies and trust, in one paged GetAccountAuthorizationDetails. */
export async function roleDetails(iam: IAMClient): Promise<RoleDetail[]> {
  const all: RoleDetail[] = []
  let Marker: string | undefined
  do {
    const page = await iam.send(new GetAccountAuthorizationDetailsCommand({Filter: ['Role'], MaxItems: 1000, Marker}))
    all.push(...(page.RoleDetailList ?? []))
    Marker = page.IsTruncated ? page.Marker : undefined
  } while (Marker)
  return all
}
