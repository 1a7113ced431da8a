import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type {
  AttendanceRequestView,
  CalendarDay,
  CheckInView,
  DailyBoardView,
  MeetingSignInView,
  MyAttendanceView,
  MyMonthView,
  Page,
  PhotoView,
  PlaceView,
  ShiftView,
  SpotCheckListItem,
  SpotCheckView,
  SpotDemandView,
} from '@lianxin/shared';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal } from '../common/decorators.js';
import { FileBody } from '../common/file-body.js';
import { IdPipe } from '../common/id.pipe.js';
import { CheckInsService } from './check-ins.service.js';
import { DailyService } from './daily.service.js';
import {
  CalendarDto,
  CheckInDto,
  CheckInsQuery,
  DailyQuery,
  DecideDto,
  FormatQuery,
  MonthQuery,
  PageQuery,
  PlaceDto,
  PlacesQuery,
  ReportQuery,
  RequestDto,
  RequestsQuery,
  ShiftDto,
  SpotCheckDto,
  YearParam,
} from './dto/attendance.dto.js';
import { MeetingSignInService } from './meeting-sign-in.service.js';
import { PHOTO_TYPES, PhotosService } from './photos.service.js';
import { AttendanceReportsService, type ReportFile } from './reports.service.js';
import { AttendanceRequestsService } from './requests.service.js';
import { AttendanceRulesService } from './rules.service.js';
import { SpotChecksService } from './spot-checks.service.js';

function download(file: ReportFile): StreamableFile {
  return new StreamableFile(file.data, {
    type: file.contentType,
    length: file.data.length,
    disposition: `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
  });
}

@ApiTags('attendance')
@ApiBearerAuth()
@Controller('attendance')
export class AttendanceController {
  constructor(
    private readonly rules: AttendanceRulesService,
    private readonly photos: PhotosService,
    private readonly checkIns: CheckInsService,
    private readonly daily: DailyService,
    private readonly requests: AttendanceRequestsService,
    private readonly reports: AttendanceReportsService,
  ) {}

  @Post('places')
  @ApiOperation({ summary: '新建考勤地点（中心点 + 半径，可加 Wi-Fi）' })
  createPlace(@CurrentPrincipal() me: Principal, @Body() body: PlaceDto): Promise<PlaceView> {
    return this.rules.createPlace(me, body);
  }

  @Get('places')
  @ApiOperation({ summary: '考勤地点（我能看到的单位的，或某个单位的）' })
  places(@CurrentPrincipal() me: Principal, @Query() q: PlacesQuery): Promise<PlaceView[]> {
    return this.rules.places(me, q.unitId);
  }

  @Delete('places/:id')
  @HttpCode(204)
  @ApiOperation({ summary: '停用考勤地点（记录保留）' })
  removePlace(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.rules.removePlace(me, id);
  }

  @Post('shifts')
  @ApiOperation({ summary: '设置单位的考勤组（班次、工作日、迟到早退、外勤、补卡次数）；已有则覆盖' })
  saveShift(@CurrentPrincipal() me: Principal, @Body() body: ShiftDto): Promise<ShiftView> {
    return this.rules.saveShift(me, body);
  }

  @Get('shifts')
  @ApiOperation({ summary: '考勤组' })
  shifts(@CurrentPrincipal() me: Principal): Promise<ShiftView[]> {
    return this.rules.shifts(me);
  }

  @Get('calendar/:year')
  @ApiOperation({ summary: '某年的法定节假日和调休上班日' })
  calendar(@Param() p: YearParam): Promise<CalendarDay[]> {
    return this.rules.calendar(p.year);
  }

  @Put('calendar/:year')
  @ApiOperation({ summary: '设置某年的法定节假日和调休上班日（县级管理员）' })
  setCalendar(@CurrentPrincipal() me: Principal, @Param() p: YearParam, @Body() body: CalendarDto): Promise<CalendarDay[]> {
    return this.rules.setCalendar(me, p.year, body.days);
  }

  @Get('me')
  @ApiOperation({ summary: '打卡页：我的地点、班次、今天的记录、待回应的抽查和可签到的会议' })
  mine(@CurrentPrincipal() me: Principal): Promise<MyAttendanceView> {
    return this.checkIns.mine(me);
  }

  @Get('me/month')
  @ApiOperation({ summary: '我的月历（每天的考勤状态）和本月剩余补卡次数' })
  myMonth(@CurrentPrincipal() me: Principal, @Query() q: MonthQuery): Promise<MyMonthView> {
    return this.daily.myMonth(me, q.month);
  }

  @Post('photos')
  @ApiOperation({ summary: '上传打卡照片（请求体是图片本身：JPEG、PNG 或 WebP，最大 8 MB）' })
  @ApiConsumes(...PHOTO_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  upload(
    @CurrentPrincipal() me: Principal,
    @Headers('content-type') type: string | undefined,
    @FileBody('请把照片本身作为请求体上传，Content-Type 用 image/jpeg、image/png 或 image/webp') data: Buffer,
  ): Promise<PhotoView> {
    return this.photos.upload(me, type, data);
  }

  @Get('photos/:id')
  @ApiOperation({ summary: '打卡照片（本人或有考勤查看范围的人）' })
  async photo(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<StreamableFile> {
    const p = await this.photos.download(me, id);
    return new StreamableFile(p.data, { type: p.contentType, length: p.data.length });
  }

  @Post('check-ins')
  @ApiOperation({ summary: '打卡（服务器判定结果；同一 idempotencyKey 重复提交返回第一次的结果）' })
  async checkIn(@CurrentPrincipal() me: Principal, @Body() body: CheckInDto, @Res({ passthrough: true }) res: FastifyReply): Promise<CheckInView> {
    const { view, created } = await this.checkIns.checkIn(me, body);
    res.status(created ? 201 : 200);
    return view;
  }

  @Get('check-ins')
  @ApiOperation({ summary: '打卡记录：我的、某人的或某单位的（在查看范围内）' })
  list(@CurrentPrincipal() me: Principal, @Query() q: CheckInsQuery): Promise<Page<CheckInView>> {
    return this.checkIns.list(me, q);
  }

  @Get('daily')
  @ApiOperation({ summary: '单位（含下级）某天每人的考勤状态和各状态人数' })
  board(@CurrentPrincipal() me: Principal, @Query() q: DailyQuery): Promise<DailyBoardView> {
    return this.daily.board(me, q.unitId, q.date);
  }

  @Get('reports')
  @ApiOperation({ summary: '月度考勤报表（xlsx 或 csv）：每人每天的状态和合计' })
  async report(@CurrentPrincipal() me: Principal, @Query() q: ReportQuery): Promise<StreamableFile> {
    return download(await this.reports.month(me, q.unitId, q.month, q.format ?? 'xlsx'));
  }

  @Post('requests')
  @ApiOperation({ summary: '申请补卡或请假' })
  request(@CurrentPrincipal() me: Principal, @Body() body: RequestDto): Promise<AttendanceRequestView> {
    return this.requests.create(me, body);
  }

  @Get('requests')
  @ApiOperation({ summary: '我的申请（box=mine）或待我审批的（box=todo）' })
  listRequests(@CurrentPrincipal() me: Principal, @Query() q: RequestsQuery): Promise<Page<AttendanceRequestView>> {
    return this.requests.list(me, q.box ?? 'mine', q.cursor, q.limit);
  }

  @Post('requests/:id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: '审批补卡或请假（不能审批自己的）' })
  decide(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string, @Body() body: DecideDto): Promise<AttendanceRequestView> {
    return this.requests.decide(me, id, body);
  }
}

@ApiTags('attendance')
@ApiBearerAuth()
@Controller('attendance/spot-checks')
export class SpotChecksController {
  constructor(
    private readonly spotChecks: SpotChecksService,
    private readonly reports: AttendanceReportsService,
  ) {}

  @Post()
  @ApiOperation({ summary: '发起抽查：范围内全部或随机抽 N 人，限时打卡（须写明原因）' })
  create(@CurrentPrincipal() me: Principal, @Body() body: SpotCheckDto): Promise<SpotCheckView> {
    return this.spotChecks.create(me, body);
  }

  @Get()
  @ApiOperation({ summary: '我发起的抽查' })
  list(@CurrentPrincipal() me: Principal, @Query() q: PageQuery): Promise<Page<SpotCheckListItem>> {
    return this.spotChecks.list(me, q.cursor, q.limit);
  }

  @Get('mine')
  @ApiOperation({ summary: '等我回应的抽查（谁、为什么、何时截止）' })
  mine(@CurrentPrincipal() me: Principal): Promise<SpotDemandView[]> {
    return this.spotChecks.mine(me);
  }

  @Get(':id')
  @ApiOperation({ summary: '抽查结果（每人状态）' })
  get(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<SpotCheckView> {
    return this.spotChecks.get(me, id);
  }

  @Get(':id/draw')
  @ApiOperation({ summary: '用保存的种子重新抽取，核对抽中的人' })
  draw(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string) {
    return this.spotChecks.draw(me, id);
  }

  @Get(':id/report')
  @ApiOperation({ summary: '导出抽查结果（xlsx 或 csv）' })
  async report(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string, @Query() q: FormatQuery): Promise<StreamableFile> {
    return download(await this.reports.spotCheck(me, id, q.format ?? 'xlsx'));
  }
}

@ApiTags('notices')
@ApiBearerAuth()
@Controller('notices')
export class MeetingSignInController {
  constructor(private readonly meetings: MeetingSignInService) {}

  @Get(':id/sign-ins')
  @ApiOperation({ summary: '会议签到：各单位已到、未到、请假，以及回执参加但未签到的人' })
  signIns(@CurrentPrincipal() me: Principal, @Param('id', IdPipe) id: string): Promise<MeetingSignInView> {
    return this.meetings.view(me, id);
  }
}
