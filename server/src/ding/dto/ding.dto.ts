import { DeliveryStatus, DingChannel, DingTarget, type CreateDingRequest } from '@lianxin/shared';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateDingDto implements CreateDingRequest {
  @IsIn(Object.values(DingChannel), { message: `channel 必须是 ${Object.values(DingChannel).join(' | ')} 之一` }) channel!: DingChannel;
  @IsIn(Object.values(DingTarget), { message: 'target 必须是 unread、unconfirmed 或 members' }) target!: DingTarget;
  @ValidateIf((o: CreateDingDto) => o.target === DingTarget.Members || o.memberIds !== undefined)
  @IsArray()
  @ArrayMinSize(1, { message: '请选择要提醒的人' })
  @ArrayMaxSize(5000)
  @IsUUID('4', { each: true, message: 'memberIds 必须是成员 id 列表' })
  memberIds?: string[];
  @IsOptional() @Transform(trim) @IsString() @MaxLength(100, { message: '附言不能超过 100 个字符' }) message?: string;
}

export class DeliveriesQuery {
  @IsOptional() @IsIn(Object.values(DeliveryStatus), { message: `status 必须是 ${Object.values(DeliveryStatus).join(' | ')} 之一` }) status?: DeliveryStatus;
  @IsOptional() @IsString() @MaxLength(300) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit 必须是整数' }) @Min(1) @Max(200) limit?: number;
}
