import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  MemberStatus,
  Role,
  UnitKind,
  type CreateMemberRequest,
  type CreateUnitRequest,
  type MemberUnitInput,
  type RoleGrantInput,
  type UpdateMemberRequest,
  type UpdateUnitRequest,
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
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const KINDS = Object.values(UnitKind);
const ROLES = Object.values(Role);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUnitDto implements CreateUnitRequest {
  @IsUUID('4', { message: 'parentId 必须是单位 id' }) parentId!: string;
  @Transform(trim) @IsString() @MinLength(1, { message: '请填写单位名称' }) @MaxLength(100, { message: '单位名称不能超过 100 个字符' }) name!: string;
  @IsIn(KINDS, { message: `kind 必须是 ${KINDS.join(' | ')} 之一` }) kind!: UnitKind;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) sortOrder?: number;
}

export class UpdateUnitDto implements UpdateUnitRequest {
  @IsOptional() @Transform(trim) @IsString() @MinLength(1, { message: '单位名称不能为空' }) @MaxLength(100) name?: string;
  @IsOptional() @IsIn(KINDS, { message: `kind 必须是 ${KINDS.join(' | ')} 之一` }) kind?: UnitKind;
  @IsOptional() @IsUUID('4', { message: 'parentId 必须是单位 id' }) parentId?: string;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) sortOrder?: number;
}

export class TreeQuery {
  @ApiPropertyOptional({ description: '从哪个单位开始（默认：您能看到的最高单位）' })
  @IsOptional() @IsUUID('4', { message: 'root 必须是单位 id' }) root?: string;
  @ApiPropertyOptional({ description: '返回几层（默认 2，最多 20）' })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'depth 必须是整数' }) @Min(0) @Max(20) depth?: number;
}

export class MembersQuery {
  @ApiPropertyOptional({ description: '姓名、手机号或拼音（首字母如 zsf 找 张三丰，或全拼开头）' })
  @IsOptional() @Transform(trim) @IsString() @MaxLength(50, { message: '搜索词不能超过 50 个字符' }) q?: string;
  @ApiPropertyOptional({ description: '上一页返回的 nextCursor' })
  @IsOptional() @IsString() @MaxLength(300) cursor?: string;
  @ApiPropertyOptional({ description: '每页条数（默认 50，最多 200）' })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit 必须是整数' }) @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ enum: ['active', 'disabled', 'all'], description: '默认只列在职成员' })
  @IsOptional() @IsIn(['active', 'disabled', 'all'], { message: 'status 必须是 active、disabled 或 all' }) status?: 'active' | 'disabled' | 'all';
}

export class UnitMembersQuery extends MembersQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true：含所有下级单位的成员' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'recursive 必须是 true 或 false' }) recursive?: 'true' | 'false';
}

export class MemberUnitDto implements MemberUnitInput {
  @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId!: string;
  @IsOptional() @IsBoolean() isHead?: boolean;
  @IsOptional() @IsBoolean() isPrimary?: boolean;
}

export class RoleGrantDto implements RoleGrantInput {
  @IsIn(ROLES, { message: `role 必须是 ${ROLES.join(' | ')} 之一` }) role!: Role;
  @IsUUID('4', { message: 'unitId 必须是单位 id' }) unitId!: string;
}

export class CreateMemberDto implements CreateMemberRequest {
  @Transform(trim) @IsString() @MinLength(1, { message: '请填写姓名' }) @MaxLength(50, { message: '姓名不能超过 50 个字符' }) name!: string;
  @IsString() @Matches(/^1\d{10}$/, { message: '手机号应为 11 位数字' }) phone!: string;
  @IsOptional() @Transform(trim) @IsString() @MaxLength(100) title?: string;
  @IsOptional() @IsString() @MinLength(8, { message: '密码至少 8 位' }) @MaxLength(128) password?: string;
  @IsOptional() @IsString() @MaxLength(64) dingtalkUserId?: string;
  @IsOptional() @IsUUID('4') supervisorId?: string;
  @IsArray() @ArrayMinSize(1, { message: '至少属于一个单位' }) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => MemberUnitDto)
  units!: MemberUnitDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => RoleGrantDto) roles?: RoleGrantDto[];
}

export class UpdateMemberDto implements UpdateMemberRequest {
  @IsOptional() @Transform(trim) @IsString() @MinLength(1, { message: '姓名不能为空' }) @MaxLength(50) name?: string;
  @IsOptional() @IsString() @Matches(/^1\d{10}$/, { message: '手机号应为 11 位数字' }) phone?: string;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(100) title?: string | null;
  @IsOptional() @IsString() @MinLength(8, { message: '密码至少 8 位' }) @MaxLength(128) password?: string;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(64) dingtalkUserId?: string | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsUUID('4') supervisorId?: string | null;
  @IsOptional() @IsIn(Object.values(MemberStatus)) status?: MemberStatus;
  @IsOptional() @IsArray() @ArrayMinSize(1, { message: '至少属于一个单位' }) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => MemberUnitDto)
  units?: MemberUnitDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => RoleGrantDto) roles?: RoleGrantDto[];
}
