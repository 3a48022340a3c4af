// The SDK clients are the heaviest modules lockdown loads (IAM alone takes over half a second to import).
// Commands that never call AWS (validate, schema, actions, --help) must not pay for them, so src/aws
// loads each client package on first use; later calls get the cached module.
export const iamSdk = () => import('@aws-sdk/client-iam')
export const stsSdk = () => import('@aws-sdk/client-sts')
export const cloudTrailSdk = () => import('@aws-sdk/client-cloudtrail')
export const organizationsSdk = () => import('@aws-sdk/client-organizations')
export const athenaSdk = () => import('@aws-sdk/client-athena')
export const s3Sdk = () => import('@aws-sdk/client-s3')
