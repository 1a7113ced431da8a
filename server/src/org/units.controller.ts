import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { MemberSummary, Page, UnitDetailView, UnitTreeView } from '@lianxin/shared';
import { CurrentPrincipal, type Principal } from '../common/decorators.js';
import { IdPipe } from '../common/id.pipe.js';
import { CreateUnitDto, TreeQuery, UnitMembersQuery, UpdateUnitDto } from './dto/org.dto.js';
import { MemberDirectoryService } from './member-directory.service.js';
import { InScope } from './scope.guard.js';
import { UnitsService } from './units.service.js';

@ApiTags('org')
@ApiBearerAuth()
@Controller('org/units')
export class UnitsController {
  constructor(
    private readonly units: UnitsService,
    private readonly directory: MemberDirectoryService,
  ) {}

  @Get('tree')
  @ApiOperation({ summary: '单位树（含直属与全部成员数）' })
  tree(@CurrentPrincipal() me: Principal, @Query() q: TreeQuery): Promise<UnitTreeView> {
    return this.units.tree(me, q.root, q.depth);
  }

  @Get(':id')
  @InScope('org.read', 'read', 'unit')
  @ApiOperation({ summary: '单位详情（路径、下级数、成员数）' })
  detail(@Param('id', IdPipe) id: string): Promise<UnitDetailView> {
    return this.units.detail(id);
  }

  @Get(':id/members')
  @InScope('org.read', 'read', 'unit')
  @ApiOperation({ summary: '单位成员（recursive=true 含下级单位），可按姓名、手机号、拼音首字母搜索' })
  members(@Param('id', IdPipe) id: string, @Query() q: UnitMembersQuery): Promise<Page<MemberSummary>> {
    return this.directory.unitMembers(id, q.recursive === 'true', q);
  }

  @Post()
  @ApiOperation({ summary: '新建单位' })
  create(@CurrentPrincipal() me: Principal, @Body() body: CreateUnitDto): Promise<UnitDetailView> {
    return this.units.create(me, body);
  }

  @Patch(':id')
  @InScope('org.write', 'write', 'unit')
  @ApiOperation({ summary: '修改单位：改名、类型、排序，或移动到其他上级单位' })
  update(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string, @Body() body: UpdateUnitDto): Promise<UnitDetailView> {
    return this.units.update(me, id, body);
  }

  @Delete(':id')
  @InScope('org.write', 'write', 'unit')
  @HttpCode(204)
  @ApiOperation({ summary: '删除空单位（有成员或下级单位时拒绝）' })
  remove(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.units.remove(me, id);
  }
}
