import type { INestApplication } from '@nestjs/common';
import { JobsService } from '../../server/src/jobs/jobs.service';

/** Sends one job through the app's pg-boss and resolves with the data its worker received. */
export async function jobRoundTrip(app: INestApplication, data: Record<string, unknown>): Promise<unknown> {
  const { boss } = app.get(JobsService);
  const queue = `test-roundtrip-${Math.random().toString(36).slice(2, 8)}`;
  await boss.createQueue(queue);
  const received = new Promise<unknown>((resolve) => {
    void boss.work(queue, { pollingIntervalSeconds: 0.5 }, async ([job]) => resolve(job.data));
  });
  await boss.send(queue, data);
  return received;
}
