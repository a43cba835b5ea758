import type { EventName, IBApi } from '@stoqey/ib';
import type { IbClient, IbMessageListener } from '../../../src/adapters/ib/ib-client.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners of any event signature
type AnyListener = (...args: any[]) => void;

/**
 * An IbClient stand-in for replaying recorded message sequences: `emit` plays an event to the listeners, `error` an
 * error for a request, and every sent message is recorded as [method, ...args] of the IBApi call it made.
 */
export class FakeIbClient {
  readonly sent: [string, ...unknown[]][] = [];
  private readonly listeners = new Map<string, AnyListener[]>();
  private readonly messageListeners: IbMessageListener[] = [];
  private requestId = 100;

  /** The stand-in, typed as what the code under test takes. */
  get client(): IbClient {
    return this as unknown as IbClient;
  }

  nextRequestId(): number {
    return ++this.requestId;
  }

  on(event: EventName, listener: AnyListener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  onMessage(listener: IbMessageListener): void {
    this.messageListeners.push(listener);
  }

  onClosed(): void {
    // Not exercised by the replayed sequences.
  }

  send(message: (api: IBApi) => void): boolean {
    const api: unknown = new Proxy(
      {},
      {
        get:
          (_target, method: string) =>
          (...args: unknown[]) => {
            this.sent.push([method, ...args]);
          },
      },
    );
    // A recorder standing in for the library's class: only its method calls matter.
    message(api as IBApi);
    return true;
  }

  emit(event: EventName, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }

  error(id: number, code: number, message: string): void {
    for (const listener of this.messageListeners) listener(id, code, message);
  }

  /** The request id of the last message sent with `method`. */
  lastRequestId(method: string): number {
    const call = this.sent.findLast(([name]) => name === method);
    if (call === undefined) throw new Error(`nothing sent with ${method}`);
    return call[1] as number;
  }
}
