// The few AWS managed policies the simulator knows by ARN. Documents are trimmed to the services the
// simulator speaks (IAM, STS, CloudTrail, Organizations), which is all that can be asked of them here.
export const AWS_MANAGED: Record<string, {name: string; id: string; description: string; document: object}> = {
  'arn:aws:iam::aws:policy/AdministratorAccess': {
    name: 'AdministratorAccess',
    id: 'ANPAIWMBCKSKIEE64ZLYK',
    description: 'Provides full access to AWS services and resources.',
    document: {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]},
  },
  'arn:aws:iam::aws:policy/ReadOnlyAccess': {
    name: 'ReadOnlyAccess',
    id: 'ANPAILL3HVNFSB6DCOWYQ',
    description: 'Provides read-only access to AWS services and resources.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadOnlyActions',
          Effect: 'Allow',
          Action: ['iam:Get*', 'iam:List*', 'iam:Generate*', 'iam:Simulate*', 'sts:GetCallerIdentity', 'cloudtrail:Describe*', 'cloudtrail:Get*', 'cloudtrail:List*', 'cloudtrail:LookupEvents', 'organizations:Describe*', 'organizations:List*'],
          Resource: '*',
        },
      ],
    },
  },
  'arn:aws:iam::aws:policy/SecurityAudit': {
    name: 'SecurityAudit',
    id: 'ANPAIX2T3QCXHR2OGGCTO',
    description: 'The security audit template grants access to read security configuration metadata.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['iam:GenerateCredentialReport', 'iam:Get*', 'iam:List*', 'iam:SimulateCustomPolicy', 'iam:SimulatePrincipalPolicy', 'cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:ListTrails', 'cloudtrail:LookupEvents', 'organizations:Describe*', 'organizations:List*'],
          Resource: '*',
        },
      ],
    },
  },
}
