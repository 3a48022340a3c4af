// Roles only AWS may change: service-linked roles (`/aws-service-role/`) and the roles IAM Identity Center
// provisions from permission sets (`/aws-reserved/sso.amazonaws.com/`, named AWSReservedSSO_*). IAM refuses
// every write to them with UnmodifiableEntity, so a tool that plans an inline deny on one fails at apply in
// AWS; the simulator must refuse it the same way or a drill would pass on a write AWS never allows.
// Reads, AssumeRole and tags are not covered here (AWS lets a permission-set role be assumed and read).
import {AwsError} from '../errors.js'
import type {Role} from '../state.js'

const PROTECTED_PATHS = ['/aws-service-role/', '/aws-reserved/sso.amazonaws.com/']

export function isProtectedRole(role: Role): boolean {
  return PROTECTED_PATHS.some((p) => role.path.startsWith(p))
}

/** Throws AWS's UnmodifiableEntity (HTTP 400) for a role only AWS may modify; returns the role otherwise. */
export function modifiableRole(role: Role): Role {
  if (isProtectedRole(role)) {
    throw new AwsError('UnmodifiableEntity', `Cannot perform the operation on the protected role '${role.name}' - this role is only modifiable by AWS`, 400)
  }
  return role
}
