import argon2 from 'argon2';
import type { DataSource } from 'typeorm';

export interface MadeMember {
  id: string;
  phone: string;
  password: string;
}

let seq = 0;

/** Adds an active member with a password, as a primary member of `unitId` (default: the root unit). */
export async function makeMember(ds: DataSource, over: { name?: string; phone?: string; password?: string; unitId?: string; title?: string } = {}): Promise<MadeMember> {
  seq += 1;
  const phone = over.phone ?? `137${String(process.pid % 10000).padStart(4, '0')}${String(seq).padStart(4, '0')}`;
  const password = over.password ?? 'Member-pass-2026';
  const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost: 4096, timeCost: 2 });
  const [m] = await ds.query<{ id: string }[]>(
    `INSERT INTO member (name, phone, title, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
    [over.name ?? `测试成员${seq}`, phone, over.title ?? '干部', hash],
  );
  const unitId = over.unitId ?? (await ds.query<{ id: string }[]>(`SELECT id FROM unit WHERE parent_id IS NULL LIMIT 1`))[0].id;
  await ds.query(`INSERT INTO membership (member_id, unit_id, is_primary) VALUES ($1, $2, true)`, [m.id, unitId]);
  return { id: m.id, phone, password };
}
