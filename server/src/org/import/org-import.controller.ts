import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPaths, type ImportReport } from '@lianxin/shared';
import { CurrentPrincipal, type Principal } from '../../common/decorators.js';
import { FileBody } from '../../common/file-body.js';
import { CSV_BODY_HINT, CSV_CONTENT_TYPES } from './csv-body.js';
import { ImportQuery } from './dto/import-query.dto.js';
import { OrgImportService } from './org-import.service.js';

@ApiTags('org')
@ApiBearerAuth()
@Controller()
export class OrgImportController {
  constructor(private readonly imports: OrgImportService) {}

  @Post(ApiPaths.org.import)
  @HttpCode(200)
  @ApiOperation({
    summary: '从 CSV 导入组织架构（需要根单位的管理员权限）',
    description:
      '请求体是 CSV 文件本身（UTF-8 或 Excel 另存的 GB18030，最大 10 MB）。表头：单位路径,姓名,手机号,职务,是否负责人,角色（中英文列名均可，顺序不限）。' +
      '按手机号新增或更新成员，自动创建路径上缺少的单位，只增加不删除角色；职务留空则保留原职务。' +
      '全部成功或全部不改：任何一行有误都返回 400 ORG_IMPORT_INVALID，report.errors 列出每一处错误及行号。',
  })
  @ApiConsumes(...CSV_CONTENT_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary', example: '单位路径,姓名,手机号,职务,是否负责人,角色\n略阳县/兴州街道/五郎坪村,张三,13900000001,村支书,是,领导' } })
  import(@CurrentPrincipal() me: Principal, @FileBody(CSV_BODY_HINT) file: Buffer, @Query() query: ImportQuery): Promise<ImportReport> {
    return this.imports.import(me, file, query.dryRun === 'true');
  }
}
