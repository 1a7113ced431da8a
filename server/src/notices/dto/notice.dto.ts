import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ConfirmStatus,
  DingChannel,
  type EscalationStepInput,
  NoticeKind,
  ReceiptFilter,
  Role,
  type ConfirmNoticeRequest,
  type CreateNoticeRequest,
  type NoticeAudience,
} from '@lianxin/shared';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsInstant } from '../../common/instant.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class AudienceUnitDto {
  @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId!: string;
  @IsBoolean({ message: 'includeSubUnits 必须是 true 或 false' }) includeSubUnits!: boolean;
}

export class AudienceRoleDto {
  @IsIn(Object.values(Role), { message: `role 必须是 ${Object.values(Role).join(' | ')} 之一` }) role!: Role;
  @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId!: string;
  @IsBoolean({ message: 'includeSubUnits 必须是 true 或 false' }) includeSubUnits!: boolean;
}

export class AudienceDto implements NoticeAudience {
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => AudienceUnitDto) units?: AudienceUnitDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(5000) @IsUUID('4', { each: true, message: 'members 必须是成员 id 列表' }) members?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => AudienceRoleDto) roles?: AudienceRoleDto[];
}

export class EscalationStepDto implements EscalationStepInput {
  @IsInt({ message: 'afterMinutes 必须是整数（分钟）' }) @Min(1, { message: '至少 1 分钟后' }) @Max(7 * 24 * 60, { message: '最多 7 天后' }) afterMinutes!: number;
  @IsIn(['unread', 'unconfirmed'], { message: 'target 必须是 unread 或 unconfirmed' }) target!: 'unread' | 'unconfirmed';
  @IsIn(Object.values(DingChannel), { message: `channel 必须是 ${Object.values(DingChannel).join(' | ')} 之一` }) channel!: DingChannel;
  @IsOptional() @IsBoolean() toSupervisor?: boolean;
  @IsOptional() @IsBoolean() urgent?: boolean;
}

export class EscalationDto {
  @IsArray() @ArrayMinSize(1, { message: '至少一步' }) @ArrayMaxSize(5, { message: '最多 5 步' }) @ValidateNested({ each: true }) @Type(() => EscalationStepDto)
  steps!: EscalationStepDto[];
}

export class CreateNoticeDto implements CreateNoticeRequest {
  @IsIn(Object.values(NoticeKind), { message: 'kind 必须是 notice 或 meeting' }) kind!: NoticeKind;
  @Transform(trim) @IsString() @MinLength(1, { message: '请填写标题' }) @MaxLength(200, { message: '标题不能超过 200 个字符' }) title!: string;
  @IsString() @MinLength(1, { message: '请填写正文' }) @MaxLength(20_000, { message: '正文不能超过 20000 个字符' }) body!: string;
  @ValidateIf((o: CreateNoticeDto) => o.kind === NoticeKind.Meeting || o.startsAt !== undefined)
  @IsInstant('会议通知请填写开始时间（ISO 8601，如 2026-11-25T09:00:00+08:00）')
  startsAt?: string;
  @IsOptional() @IsInstant('endsAt 必须是时间（ISO 8601）') endsAt?: string;
  @IsOptional() @Transform(trim) @IsString() @MaxLength(200, { message: '地点不能超过 200 个字符' }) place?: string;
  @IsOptional() @IsUUID('4', { message: 'attendancePlaceId 必须是考勤地点 id' }) attendancePlaceId?: string;
  @ValidateNested() @Type(() => AudienceDto) audience!: AudienceDto;
  @IsOptional() @IsBoolean() requireConfirm?: boolean;
  @IsOptional() @ValidateNested() @Type(() => EscalationDto) escalation?: EscalationDto;
  @IsOptional() @IsArray() @ArrayMaxSize(10, { message: '最多 10 个附件' }) @IsUUID('4', { each: true, message: 'attachmentIds 必须是附件 id 列表' }) attachmentIds?: string[];
}

export class UploadQuery {
  @ApiPropertyOptional({ description: '文件名（含扩展名），如 防汛方案.docx' })
  @Transform(trim) @IsString() @MinLength(1, { message: '请给出文件名：?filename=' }) @MaxLength(200, { message: '文件名不能超过 200 个字符' }) filename!: string;
}

export class ConfirmNoticeDto implements ConfirmNoticeRequest {
  @IsIn(Object.values(ConfirmStatus), { message: 'status 必须是 attend（参加）或 leave（请假）' }) status!: ConfirmStatus;
  @ValidateIf((o: ConfirmNoticeDto) => o.status === ConfirmStatus.Leave || o.reason !== undefined)
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: '请假请填写原因' })
  @MaxLength(200, { message: '原因不能超过 200 个字符' })
  reason?: string;
}

export class NoticeListQuery {
  @ApiPropertyOptional({ enum: ['inbox', 'sent'] })
  @IsOptional() @IsIn(['inbox', 'sent'], { message: 'box 必须是 inbox 或 sent' }) box?: 'inbox' | 'sent';
  @ApiPropertyOptional({ description: 'true：只看未读（收件箱）' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'unread 必须是 true 或 false' }) unread?: 'true' | 'false';
  @IsOptional() @IsString() @MaxLength(300) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit 必须是整数' }) @Min(1) @Max(100) limit?: number;
}

export class StatsQuery {
  @ApiPropertyOptional({ description: '按该单位的下一级单位分组（默认：您能看到的最高一级）' })
  @IsOptional() @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId?: string;
}

export class ReceiptsQuery {
  @ApiPropertyOptional({ enum: Object.values(ReceiptFilter) })
  @IsOptional() @IsIn(Object.values(ReceiptFilter), { message: `status 必须是 ${Object.values(ReceiptFilter).join(' | ')} 之一` }) status?: ReceiptFilter;
  @IsOptional() @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId?: string;
  @IsOptional() @IsString() @MaxLength(300) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit 必须是整数' }) @Min(1) @Max(200) limit?: number;
}
