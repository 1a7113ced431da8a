import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { MemberCardView, MemberSummary, Page, SupervisorChainView } from '@lianxin/shared';
import { CurrentPrincipal, type Principal } from '../common/decorators.js';
import { IdPipe } from '../common/id.pipe.js';
import { CreateMemberDto, MembersQuery, UpdateMemberDto } from './dto/org.dto.js';
import { MemberAdminService } from './member-admin.service.js';
import { MemberDirectoryService } from './member-directory.service.js';
import { InScope } from './scope.guard.js';

@ApiTags('org')
@ApiBearerAuth()
@Controller('org/members')
export class MembersController {
  constructor(
    private readonly directory: MemberDirectoryService,
    private readonly admin: MemberAdminService,
  ) {}

  @Get()
  @ApiOperation({ summary: '在可见范围内搜索成员（通讯录搜索、选人）' })
  search(@CurrentPrincipal() me: Principal, @Query() q: MembersQuery): Promise<Page<MemberSummary>> {
    return this.directory.search(me, q);
  }

  @Get(':id')
  @InScope('org.read', 'read', 'member')
  @ApiOperation({ summary: '成员名片：单位、角色、直属上级' })
  card(@Param('id', IdPipe) id: string): Promise<MemberCardView> {
    return this.directory.card(id);
  }

  @Get(':id/chain')
  @InScope('org.read', 'read', 'member')
  @ApiOperation({ summary: '上级链：直属上级、上级的上级……直到最高' })
  chain(@Param('id', IdPipe) id: string): Promise<SupervisorChainView> {
    return this.directory.chain(id);
  }

  @Post()
  @ApiOperation({ summary: '新增成员' })
  create(@CurrentPrincipal() me: Principal, @Body() body: CreateMemberDto): Promise<MemberCardView> {
    return this.admin.create(me, body);
  }

  @Patch(':id')
  @InScope('org.write', 'write', 'member')
  @ApiOperation({ summary: '修改成员（含停用：status=disabled；成员不会被删除）' })
  update(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string, @Body() body: UpdateMemberDto): Promise<MemberCardView> {
    return this.admin.update(me, id, body);
  }
}
