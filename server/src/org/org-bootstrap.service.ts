import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Role, UnitKind } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { hashPassword } from '../identity/password.js';
import { RUNTIME, type Runtime } from '../runtime.js';
import { nameKeys } from './domain/pinyin.js';
import { OrgTree } from './org-tree.repository.js';

/** On an empty database, creates the root unit (ORG_NAME) and the first admin (ADMIN_PHONE/ADMIN_PASSWORD). */
@Injectable()
export class OrgBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { admin, orgName } = this.runtime.config;
    if (!admin) return;
    const hash = await hashPassword(admin.password);
    const created = await this.ds.transaction(async (tx) => {
      // One bootstrap even when several instances start at once on an empty database.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['lianxin:bootstrap']);
      const [{ n }] = await tx.query<{ n: number }[]>('SELECT count(*)::int AS n FROM member');
      if (n > 0) return false;
      const rootId = await OrgTree.insertUnit(tx, { parentId: null, name: orgName, kind: UnitKind.County });
      const root = { id: rootId };
      const name = '系统管理员';
      const keys = nameKeys(name);
      const [member] = await tx.query<{ id: string }[]>(
        `INSERT INTO member (name, phone, title, password_hash, name_initials, name_pinyin) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [name, admin.phone, '系统管理员', hash, keys.initials, keys.pinyin],
      );
      await tx.query(`INSERT INTO membership (member_id, unit_id, is_head, is_primary) VALUES ($1, $2, false, true)`, [member.id, root.id]);
      await tx.query(`INSERT INTO role_grant (member_id, unit_id, role) VALUES ($1, $2, $3)`, [member.id, root.id, Role.Admin]);
      return true;
    });
    if (created) this.logger.log(`Created ${orgName} and its administrator ${admin.phone}`);
  }
}
