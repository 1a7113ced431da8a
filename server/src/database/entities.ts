import { Member } from '../org/member.entity.js';
import { Membership } from '../org/membership.entity.js';
import { RoleGrant } from '../org/role-grant.entity.js';
import { Unit } from '../org/unit.entity.js';

/** Every entity, listed once: the data source, the CLI and the tests use this list. */
export const ENTITIES = [Unit, Member, Membership, RoleGrant];
