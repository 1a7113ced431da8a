/** A device or host capability failed (permission denied, no GPS, not supported); the message is for people. */
export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  readonly reason: string;

  constructor(message: string, reason: string) {
    super(message);
    this.reason = reason;
  }
}
