import { Global, Module } from '@nestjs/common';
import { MemberAdminService } from './member-admin.service.js';
import { MemberDirectoryService } from './member-directory.service.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';
import { OrgBootstrapService } from './org-bootstrap.service.js';
import { ScopeGuard } from './scope.guard.js';
import { ScopeService } from './scope.service.js';
import { UnitsController } from './units.controller.js';
import { UnitsService } from './units.service.js';

@Global()
@Module({
  controllers: [UnitsController, MembersController],
  providers: [MembersService, MemberDirectoryService, MemberAdminService, UnitsService, OrgBootstrapService, ScopeService, ScopeGuard],
  exports: [MembersService, MemberDirectoryService, ScopeService, ScopeGuard],
})
export class OrgModule {}
