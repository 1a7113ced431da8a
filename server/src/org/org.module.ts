import { Global, Module } from '@nestjs/common';
import { MembersService } from './members.service.js';
import { OrgBootstrapService } from './org-bootstrap.service.js';
import { ScopeService } from './scope.service.js';

@Global()
@Module({ providers: [MembersService, OrgBootstrapService, ScopeService], exports: [MembersService, ScopeService] })
export class OrgModule {}
