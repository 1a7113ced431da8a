import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type PhotoView } from '@lianxin/shared';
import type pg from 'pg';
import type { Principal } from '../common/decorators.js';
import { DomainError } from '../common/domain-error.js';
import { contentMatches } from '../common/file-type.js';
import { PG_POOL } from '../database/database.module.js';
import { ScopeService } from '../org/scope.service.js';
import { readPhotoMeta, type PhotoContentType } from './domain/exif.js';

export const PHOTO_TYPES: readonly PhotoContentType[] = ['image/jpeg', 'image/png', 'image/webp'];
/** Phone cameras make 2–6 MB; anything larger is not a check-in photo. */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

interface PhotoRow {
  id: string;
  member_id: string;
  content_type: string;
  size: number;
  taken_at: Date | null;
  latitude: number | null;
  longitude: number | null;
}

const toView = (r: PhotoRow): PhotoView => ({
  id: r.id,
  contentType: r.content_type,
  size: r.size,
  takenAt: r.taken_at?.toISOString() ?? null,
  latitude: r.latitude,
  longitude: r.longitude,
});

/** Check-in photos: checked by their first bytes, EXIF time and position kept as evidence. */
@Injectable()
export class PhotosService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly scope: ScopeService,
  ) {}

  async upload(principal: Principal, contentType: string | undefined, data: Buffer): Promise<PhotoView> {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase() as PhotoContentType;
    if (!PHOTO_TYPES.includes(type)) throw new DomainError(ErrorCode.AttendancePhotoInvalid, '照片只能是 JPEG、PNG 或 WebP');
    if (data.length > MAX_PHOTO_BYTES) throw new DomainError(ErrorCode.AttendancePhotoInvalid, `照片不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
    if (!contentMatches(type, data)) throw new DomainError(ErrorCode.AttendancePhotoInvalid, `照片内容与类型 ${type} 不符`);
    const meta = readPhotoMeta(data, type);
    const { rows: [r] } = await this.pool.query<PhotoRow>(
      `INSERT INTO attendance_photo (member_id, content_type, size, sha256, taken_at, latitude, longitude, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, member_id, content_type, size, taken_at, latitude, longitude`,
      [principal.memberId, type, data.length, createHash('sha256').update(data).digest('hex'), meta.takenAt, meta.lat, meta.lng, data],
    );
    return toView(r);
  }

  /**
   * The uploader's own photo, for a check-in: uploaded in the last 30 minutes and not used by another
   * check-in (an old photo proves nothing about today). 400 otherwise.
   */
  async ownedBy(memberId: string, photoId: string): Promise<PhotoView> {
    const { rows: [r] } = await this.pool.query<PhotoRow & { fresh: boolean; used: boolean }>(
      `SELECT id, member_id, content_type, size, taken_at, latitude, longitude, created_at > now() - interval '30 minutes' AS fresh,
              EXISTS (SELECT 1 FROM check_in c WHERE c.member_id = p.member_id AND c.photo_id = p.id) AS used
         FROM attendance_photo p WHERE id = $1 AND member_id = $2`,
      [photoId, memberId],
    );
    if (!r) throw new DomainError(ErrorCode.ValidationFailed, '照片不存在，请重新拍照', [{ path: 'photoId', message: '找不到这张照片' }]);
    if (!r.fresh) throw new DomainError(ErrorCode.ValidationFailed, '照片是 30 分钟前上传的，请重新拍照', [{ path: 'photoId', message: '照片已过期' }]);
    if (r.used) throw new DomainError(ErrorCode.ValidationFailed, '这张照片已用于另一次打卡，请重新拍照', [{ path: 'photoId', message: '照片已用过' }]);
    return toView(r);
  }

  /** The photo itself: its owner, or someone who may read the owner's attendance. */
  async download(principal: Principal, photoId: string): Promise<{ contentType: string; data: Buffer }> {
    const { rows: [r] } = await this.pool.query<{ member_id: string; content_type: string; data: Buffer }>(
      `SELECT member_id, content_type, data FROM attendance_photo WHERE id = $1`,
      [photoId],
    );
    if (!r) throw new DomainError(ErrorCode.AttendancePhotoNotFound, '照片不存在');
    if (r.member_id !== principal.memberId) {
      await this.scope.assertMember(principal, 'attendance.read', r.member_id, 'read').catch(() => {
        throw new DomainError(ErrorCode.AttendancePhotoNotFound, '照片不存在');
      });
    }
    return { contentType: r.content_type, data: r.data };
  }
}
