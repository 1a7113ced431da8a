import { Global, Module } from '@nestjs/common';
import { DingTalkClient } from './dingtalk.client.js';

@Global()
@Module({ providers: [DingTalkClient], exports: [DingTalkClient] })
export class DingTalkModule {}
