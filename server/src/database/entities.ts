import { Member } from '../org/member.entity.js';
import { Membership } from '../org/membership.entity.js';
import { RoleGrant } from '../org/role-grant.entity.js';
import { Unit } from '../org/unit.entity.js';
import { UnitClosure } from '../org/unit-closure.entity.js';
import { DingTalkEvent } from '../dingtalk/dingtalk-event.entity.js';
import { Notice } from '../notices/notice.entity.js';
import { NoticeReceipt } from '../notices/notice-receipt.entity.js';
import { NoticeUnitStat } from '../notices/notice-unit-stat.entity.js';
import { NoticeAttachment } from '../notices/notice-attachment.entity.js';
import { Ding } from '../ding/ding.entity.js';
import { DingDelivery } from '../ding/ding-delivery.entity.js';
import { NoticeEscalation } from '../ding/notice-escalation.entity.js';

/** Every entity, listed once: the data source, the CLI and the tests use this list. */
export const ENTITIES = [Unit, UnitClosure, Member, Membership, RoleGrant, DingTalkEvent, Notice, NoticeReceipt, NoticeUnitStat, NoticeAttachment, Ding, DingDelivery, NoticeEscalation];
