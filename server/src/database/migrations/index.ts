import type { MigrationInterface } from 'typeorm';
import { Foundation1795435012480 } from './1795435012480-Foundation.js';
import { OrgTree1795437868472 } from './1795437868472-OrgTree.js';
import { Notices1795440547180 } from './1795440547180-Notices.js';
import { Ding1795441172842 } from './1795441172842-Ding.js';
import { NoticeAttachments1795442316937 } from './1795442316937-NoticeAttachments.js';
import { DingAcknowledged1795442472645 } from './1795442472645-DingAcknowledged.js';
import { Attendance1795448129613 } from './1795448129613-Attendance.js';
import { AuditTrail1795453611401 } from './1795453611401-AuditTrail.js';

/** Every migration in order. Add new ones at the end; never edit one that has landed. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [Foundation1795435012480, OrgTree1795437868472, Notices1795440547180, Ding1795441172842, NoticeAttachments1795442316937, DingAcknowledged1795442472645, Attendance1795448129613, AuditTrail1795453611401];
