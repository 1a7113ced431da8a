import { Controller, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { AllowQueryToken, CurrentPrincipal, type Principal } from '../common/decorators.js';
import { EventsService, type SseMessage } from './events.service.js';

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Sse()
  @AllowQueryToken()
  @ApiOperation({ summary: 'Server-sent events for the signed-in member (token in the header or ?access_token=)' })
  stream(@CurrentPrincipal() me: Principal): Observable<SseMessage> {
    return this.events.stream(me.memberId);
  }
}
