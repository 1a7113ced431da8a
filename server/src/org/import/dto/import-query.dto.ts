import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class ImportQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: '为 true 时只检查文件并报告将会发生的变化，不做任何修改' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'dryRun 必须是 true 或 false' })
  dryRun?: 'true' | 'false';
}
