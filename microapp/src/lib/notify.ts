import { platform, PlatformError } from '@/platform';
import { ApiError } from './api-error';
import { errorMessage } from './error-message';

/** Shows a failure as a toast. The one way callers report errors; unexpected ones are also logged. */
export function notifyError(error: unknown): void {
  if (!(error instanceof ApiError) && !(error instanceof PlatformError)) console.error(error);
  platform().toast(errorMessage(error), 'fail');
}

export function notifySuccess(message: string): void {
  platform().toast(message, 'success');
}
