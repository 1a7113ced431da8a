import { AuditExportFormat, type AuditExportQuery, type AuditTrailQuery, type AuditVerifyQuery } from '@lianxin/shared';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { isInstant } from '../../common/instant.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A real calendar date 'YYYY-MM-DD' within 2000–2100. */
export function isDay(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = DATE.exec(v);
  if (!m || Number(m[1]) < 2000 || Number(m[1]) > 2100) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return d.toISOString().slice(0, 10) === v;
}

/** A China-time day 'YYYY-MM-DD' or an ISO instant with its offset. */
const IsDayOrInstant = (message: string) =>
  ValidateBy({ name: 'isDayOrInstant', validator: { validate: (v: unknown) => isDay(v) || isInstant(v), defaultMessage: () => message } });

const MaxChars = (max: number, message: string) =>
  ValidateBy({ name: 'maxChars', constraints: [max], validator: { validate: (v: unknown) => typeof v !== 'string' || [...v].length <= max, defaultMessage: () => message } });

class TrailFiltersDto {
  @ApiPropertyOptional({ description: '模板编码' })
  @IsOptional() @Transform(trim) @IsString({ message: 'template 必须是模板编码' }) @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'template 必须是模板编码（字母、数字、_ . -，最多 64 个）' })
  template?: string;
  @ApiPropertyOptional({ description: '申请人单位（含下级）', format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'unitId 必须是单位 id' }) unitId?: string;
  @ApiPropertyOptional({ description: '发起时间起：日期（北京时间）或带时区的时间', example: '2026-03-01' })
  @IsOptional() @IsDayOrInstant('from 必须是日期（2026-03-01）或带时区的时间（2026-03-01T08:00:00+08:00）') from?: string;
  @ApiPropertyOptional({ description: '发起时间止：日期（含当天）或带时区的时间', example: '2026-03-31' })
  @IsOptional() @IsDayOrInstant('to 必须是日期（2026-03-31）或带时区的时间（2026-03-31T18:00:00+08:00）') to?: string;
  @ApiPropertyOptional({ description: '参与过的成员', format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'actor 必须是成员 id' }) actor?: string;
  @ApiPropertyOptional({ description: '标题中的文字' })
  @IsOptional() @Transform(trim) @IsString({ message: 'q 必须是文字' }) @MaxChars(100, 'q 不能超过 100 个字符') q?: string;
}

export class TrailsQuery extends TrailFiltersDto implements AuditTrailQuery {
  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(200, { message: 'cursor 无效：请从第一页重新开始' }) cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(toInt) @IsInt({ message: 'limit 必须是整数' }) @Min(1, { message: 'limit 在 1 到 200 之间' }) @Max(200, { message: 'limit 在 1 到 200 之间' }) limit?: number;
}

export class ExportQuery extends TrailFiltersDto implements AuditExportQuery {
  @ApiPropertyOptional({ enum: Object.values(AuditExportFormat), default: 'xlsx' })
  @IsOptional() @IsIn(Object.values(AuditExportFormat), { message: 'format 必须是 xlsx 或 csv' }) format?: AuditExportFormat;
}

export class VerifyQuery implements AuditVerifyQuery {
  @ApiPropertyOptional({ description: '只校验这件审批；不给则校验整条链', format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'instanceId 必须是审批 id' }) instanceId?: string;
}

export class CheckpointsQuery {
  @IsOptional() @IsString() @MaxLength(200, { message: 'cursor 无效：请从第一页重新开始' }) cursor?: string;
  @IsOptional() @Transform(toInt) @IsInt({ message: 'limit 必须是整数' }) @Min(1, { message: 'limit 在 1 到 100 之间' }) @Max(100, { message: 'limit 在 1 到 100 之间' }) limit?: number;
}

export class CheckpointParam {
  @Matches(/^[1-9]\d{0,17}$/, { message: 'id 必须是检查点编号' }) id!: string;
}
