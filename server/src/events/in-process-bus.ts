import type { BusMessage, EventBus } from './event-bus.js';

/** The bus for embedded mode: one process, so subscribers are called directly. */
export class InProcessBus implements EventBus {
  private readonly handlers = new Set<(m: BusMessage) => void>();

  async publish(message: BusMessage): Promise<void> {
    // Deliver after the caller's own work, as a cross-process bus would.
    queueMicrotask(() => this.handlers.forEach((h) => h(message)));
  }

  subscribe(handler: (m: BusMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
