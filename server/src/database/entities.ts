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
import { AttendancePlace } from '../attendance/entities/place.entity.js';
import { AttendanceShift } from '../attendance/entities/shift.entity.js';
import { AttendanceCalendarDay } from '../attendance/entities/calendar-day.entity.js';
import { AttendancePhoto } from '../attendance/entities/photo.entity.js';
import { CheckIn } from '../attendance/entities/check-in.entity.js';
import { AttendanceDay } from '../attendance/entities/attendance-day.entity.js';
import { AttendanceRequest } from '../attendance/entities/attendance-request.entity.js';
import { SpotCheck, SpotCheckTarget } from '../attendance/entities/spot-check.entity.js';
import { ApprovalEvent } from '../audit/entities/approval-event.entity.js';
import { AuditHead } from '../audit/entities/audit-head.entity.js';
import { AuditAnchor } from '../audit/entities/audit-anchor.entity.js';
import { AuditChain, AuditCheckpoint } from '../audit/entities/audit-checkpoint.entity.js';

/** Every entity, listed once: the data source, the CLI and the tests use this list. */
export const ENTITIES = [Unit, UnitClosure, Member, Membership, RoleGrant, DingTalkEvent, Notice, NoticeReceipt, NoticeUnitStat, NoticeAttachment, Ding, DingDelivery, NoticeEscalation,
  AttendancePlace, AttendanceShift, AttendanceCalendarDay, AttendancePhoto, CheckIn, AttendanceDay, AttendanceRequest, SpotCheck, SpotCheckTarget,
  ApprovalEvent, AuditHead, AuditAnchor, AuditCheckpoint, AuditChain,
];
