import { Global, Module } from '@nestjs/common';
import { MembersService } from './members.service.js';
import { OrgBootstrapService } from './org-bootstrap.service.js';

@Global()
@Module({ providers: [MembersService, OrgBootstrapService], exports: [MembersService] })
export class OrgModule {}
