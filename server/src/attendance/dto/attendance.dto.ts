import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  CalendarDayKind,
  CheckInKind,
  CoordSystem,
  DingChannel,
  PlaceKind,
  RequestKind,
  type AttendanceRequestInput,
  type CalendarDay,
  type CheckInRequest,
  type DecideRequestInput,
  type PlaceInput,
  type SegmentInput,
  type ShiftInput,
  type SpotCheckRequest,
} from '@lianxin/shared';
import { Transform, Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IsInstant } from '../../common/instant.js';
import { isDate } from '../domain/china-time.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** A real calendar date 'YYYY-MM-DD' (no 2026-02-30: the shape alone lets it through to the database). */
const IsDay = (message: string) =>
  ValidateBy({ name: 'isDay', validator: { validate: (v: unknown) => typeof v === 'string' && DATE.test(v) && isDate(v), defaultMessage: () => message } });
const MONTH = /^20\d{2}-(0[1-9]|1[0-2])$/;
/**
 * At most `max` characters as PostgreSQL's varchar counts them (code points). MaxLength does not count
 * U+FE0F or the low half of a surrogate pair, so 300 '❤️' passed a 500 limit and overflowed the column.
 */
const MaxChars = (max: number, message?: string) =>
  ValidateBy({
    name: 'maxChars',
    constraints: [max],
    validator: { validate: (v: unknown) => typeof v !== 'string' || [...v].length <= max, defaultMessage: (a) => message ?? `${a?.property} 不能超过 ${max} 个字符` },
  });
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class PlaceDto implements PlaceInput {
  @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId!: string;
  @Transform(trim) @IsString() @MinLength(1, { message: '请填写地点名称' }) @MaxChars(100, '名称不能超过 100 个字符') name!: string;
  @IsOptional() @IsIn(Object.values(PlaceKind), { message: `kind 必须是 ${Object.values(PlaceKind).join(' | ')} 之一` }) kind?: PlaceKind;
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'latitude 必须是数字' }) @IsLatitude({ message: 'latitude 必须是纬度（-90 到 90）' }) latitude!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'longitude 必须是数字' }) @IsLongitude({ message: 'longitude 必须是经度（-180 到 180）' }) longitude!: number;
  @IsOptional() @IsIn(Object.values(CoordSystem), { message: 'coordSystem 必须是 gcj02 或 wgs84' }) coordSystem?: CoordSystem;
  @IsOptional() @IsInt({ message: 'radius 必须是整数（米）' }) @Min(10, { message: '半径至少 10 米' }) @Max(5000, { message: '半径最多 5000 米' }) radius?: number;
  @IsOptional() @IsArray() @ArrayMaxSize(20, { message: '最多 20 个 Wi-Fi' }) @IsString({ each: true }) @MaxLength(20, { each: true }) bssids?: string[];
  @IsOptional() @Transform(trim) @IsString() @MaxChars(200, '地址不能超过 200 个字符') address?: string;
  @IsOptional() @IsBoolean() coversSubUnits?: boolean;
}

export class PlacesQuery {
  @IsOptional() @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId?: string;
}

export class SegmentDto implements SegmentInput {
  @Matches(HHMM, { message: 'start 必须是 HH:MM，如 08:30' }) start!: string;
  @Matches(HHMM, { message: 'end 必须是 HH:MM，如 17:30' }) end!: string;
}

export class ShiftDto implements ShiftInput {
  @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId!: string;
  @Transform(trim) @IsString() @MinLength(1, { message: '请填写考勤组名称' }) @MaxChars(100, '考勤组名称不能超过 100 个字符') name!: string;
  @IsArray() @ArrayMinSize(1, { message: '至少一个时间段' }) @ArrayMaxSize(2, { message: '最多两个时间段（中间午休）' }) @ValidateNested({ each: true }) @Type(() => SegmentDto)
  segments!: SegmentDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(7) @IsInt({ each: true, message: 'workdays 是 1（周一）到 7（周日）' }) @Min(1, { each: true }) @Max(7, { each: true }) workdays?: number[];
  @IsOptional() @IsInt() @Min(0) @Max(120) lateGraceMinutes?: number;
  @IsOptional() @IsInt() @Min(0) @Max(120) earlyGraceMinutes?: number;
  @IsOptional() @IsInt() @Min(1) @Max(480) seriousLateMinutes?: number;
  @IsOptional() @IsBoolean() fieldAllowed?: boolean;
  @IsOptional() @IsBoolean() fieldPhotoRequired?: boolean;
  @IsOptional() @IsBoolean() fieldNoteRequired?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(31) correctionsPerMonth?: number;
}

export class CalendarDayDto implements CalendarDay {
  @IsDay('date 必须是 YYYY-MM-DD 格式的日期') date!: string;
  @IsIn(Object.values(CalendarDayKind), { message: 'kind 必须是 holiday（放假）或 workday（调休上班）' }) kind!: CalendarDayKind;
  @Transform(trim) @IsString() @MinLength(1, { message: '请填写名称，如 春节' }) @MaxChars(50, '名称不能超过 50 个字符') name!: string;
}

export class CalendarDto {
  @IsArray() @ArrayMaxSize(120) @ValidateNested({ each: true }) @Type(() => CalendarDayDto) days!: CalendarDayDto[];
}

export class CheckInDto implements CheckInRequest {
  @IsIn(Object.values(CheckInKind), { message: `kind 必须是 ${Object.values(CheckInKind).join(' | ')} 之一` }) kind!: CheckInKind;
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'latitude 必须是数字' }) @IsLatitude({ message: 'latitude 必须是纬度' }) latitude!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'longitude 必须是数字' }) @IsLongitude({ message: 'longitude 必须是经度' }) longitude!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'accuracy 必须是数字（米）' }) @Min(0, { message: 'accuracy 不能为负' }) @Max(100_000, { message: 'accuracy 不能超过 100000 米' }) accuracy!: number;
  @IsIn(Object.values(CoordSystem), { message: 'coordSystem 必须是 gcj02（钉钉）或 wgs84（浏览器）' }) coordSystem!: CoordSystem;
  @IsOptional() @IsString({ message: 'bssid 必须是文字' }) @Matches(/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/, { message: 'bssid 必须是 MAC 地址，如 a4:56:02:1b:3c:9d' }) bssid?: string;
  @IsOptional() @IsUUID('4', { message: 'photoId 必须是照片 id' }) photoId?: string;
  @IsOptional() @IsString({ message: 'note 必须是文字' }) @MaxChars(500, '备注不能超过 500 个字符') note?: string;
  @IsInstant('clientAt 必须是时间（ISO 8601）') clientAt!: string;
  @IsOptional() @IsInstant('sentAt 必须是时间（ISO 8601）') sentAt?: string;
  @IsString({ message: 'idempotencyKey 必须是文字' }) @MinLength(8, { message: 'idempotencyKey 至少 8 个字符' }) @MaxChars(64, 'idempotencyKey 最多 64 个字符') idempotencyKey!: string;
  @IsOptional() @IsBoolean({ message: 'mockLocation 必须是 true 或 false' }) mockLocation?: boolean;
  @IsOptional() @IsUUID('4', { message: 'spotCheckId 必须是抽查 id' }) spotCheckId?: string;
  @IsOptional() @IsUUID('4', { message: 'noticeId 必须是通知 id' }) noticeId?: string;
  /** Sent by old clients and by anyone trying: the server decides the verdict; these are accepted and ignored. */
  @Allow() verdict?: unknown;
  @Allow() reasons?: unknown;
}

export class CheckInsQuery {
  @IsOptional() @IsUUID('4', { message: 'memberId 必须是成员 id' }) memberId?: string;
  @IsOptional() @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId?: string;
  @IsOptional() @IsInstant('from 必须是时间') from?: string;
  @IsOptional() @IsInstant('to 必须是时间') to?: string;
  @IsOptional() @IsString() @MaxLength(200, { message: 'cursor 无效：请从第一页重新开始' }) cursor?: string;
  @IsOptional() @Transform(toInt) @IsInt({ message: 'limit 必须是整数' }) @Min(1, { message: 'limit 在 1 到 200 之间' }) @Max(200, { message: 'limit 在 1 到 200 之间' }) limit?: number;
}

export class DailyQuery {
  @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId!: string;
  @IsDay('date 必须是 YYYY-MM-DD 格式的日期') date!: string;
}

export class MonthQuery {
  @Matches(MONTH, { message: 'month 必须是 YYYY-MM' }) month!: string;
}

export class ReportQuery {
  @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId!: string;
  @Matches(MONTH, { message: 'month 必须是 YYYY-MM' }) month!: string;
  @ApiPropertyOptional({ enum: ['xlsx', 'csv'] })
  @IsOptional() @IsIn(['xlsx', 'csv'], { message: 'format 必须是 xlsx 或 csv' }) format?: 'xlsx' | 'csv';
}

export class FormatQuery {
  @IsOptional() @IsIn(['xlsx', 'csv'], { message: 'format 必须是 xlsx 或 csv' }) format?: 'xlsx' | 'csv';
}

export class RequestDto implements AttendanceRequestInput {
  @IsIn(Object.values(RequestKind), { message: 'kind 必须是 correction（补卡）或 leave（请假）' }) kind!: RequestKind;
  @IsDay('date 必须是 YYYY-MM-DD 格式的日期') date!: string;
  @IsOptional() @IsDay('endDate 必须是 YYYY-MM-DD 格式的日期') endDate?: string;
  @IsOptional() @Matches(HHMM, { message: 'time 必须是 HH:MM，如 08:30' }) time?: string;
  @Transform(trim) @IsString() @MinLength(1, { message: '请填写原因' }) @MaxChars(500, '原因不能超过 500 个字符') reason!: string;
}

export class RequestsQuery {
  @IsOptional() @IsIn(['mine', 'todo'], { message: 'box 必须是 mine 或 todo' }) box?: 'mine' | 'todo';
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class DecideDto implements DecideRequestInput {
  @IsBoolean({ message: 'approve 必须是 true 或 false' }) approve!: boolean;
  @IsOptional() @Transform(trim) @IsString() @MaxChars(500, '审批意见不能超过 500 个字符') comment?: string;
}

export class SpotUnitDto {
  @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId!: string;
  @IsBoolean({ message: 'includeSubUnits 必须是 true 或 false' }) includeSubUnits!: boolean;
}

export class SpotCheckDto implements SpotCheckRequest {
  @Transform(trim) @IsString() @MinLength(2, { message: '请写明抽查原因，被抽查的人会看到' }) @MaxChars(500, '原因不能超过 500 个字符') reason!: string;
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => SpotUnitDto) units?: SpotUnitDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(2000) @IsUUID('4', { each: true, message: 'members 必须是成员 id 列表' }) members?: string[];
  @IsOptional() @IsInt({ message: 'sampleSize 必须是整数' }) @Min(1, { message: '至少抽 1 人' }) @Max(5000) sampleSize?: number;
  @IsOptional() @IsInt({ message: 'windowMinutes 必须是整数（分钟）' }) @Min(1, { message: '至少 1 分钟' }) @Max(240, { message: '最多 240 分钟' }) windowMinutes?: number;
  @IsOptional() @IsUUID('4', { message: 'placeId 必须是考勤地点 id' }) placeId?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(5) @IsIn(Object.values(DingChannel), { each: true, message: `channels 只能是 ${Object.values(DingChannel).join(' | ')}` }) channels?: DingChannel[];
  @IsOptional() @IsString() @Matches(/^[0-9a-zA-Z_-]{4,64}$/, { message: 'seed 必须是 4–64 位字母数字' }) seed?: string;
}

export class PageQuery {
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class YearParam {
  @Transform(toInt) @IsInt({ message: '年份必须是整数' }) @Min(2000) @Max(2100) year!: number;
}
