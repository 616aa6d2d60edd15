import type { ClientKind } from './labels.ts';
import type { TallyEvent } from './tally.ts';

/**
 * What the page's tab and its second tab tell each other during a two-tab run. This is the test
 * bench's own wiring, not the clients': the naive clients have no way to talk across tabs, and ours
 * uses its own channel and lock (its `name`).
 */
export type RunMessage =
  | { type: 'ready'; run: string; expiresAt: number | null }
  | { type: 'fire'; run: string; at: number }
  | { type: 'done'; run: string; events: TallyEvent[] }
  | { type: 'failed'; run: string; error: string };

const CHANNEL = 'spa-auth-compare-runs';

export type RunChannel = {
  post(message: RunMessage): void;
  /** The next message of `type` for `run`; rejects after `timeoutMs`, or with the other tab's failure. */
  next<T extends RunMessage['type']>(run: string, type: T, timeoutMs: number): Promise<Extract<RunMessage, { type: T }>>;
  close(): void;
};

export function openRunChannel(): RunChannel {
  const channel = new BroadcastChannel(CHANNEL);
  return {
    post: (message) => channel.postMessage(message),
    next: (run, type, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          channel.removeEventListener('message', listen);
          reject(
            new Error(
              `the second tab did not answer within ${Math.round(timeoutMs / 1000)} s (did the browser block the pop-up? allow pop-ups for this page)`,
            ),
          );
        }, timeoutMs);
        function listen(event: MessageEvent<RunMessage>) {
          const message = event.data;
          if (message.run !== run || (message.type !== type && message.type !== 'failed')) return;
          clearTimeout(timer);
          channel.removeEventListener('message', listen);
          if (message.type === 'failed') reject(new Error(`the second tab failed: ${message.error}`));
          else resolve(message as never);
        }
        channel.addEventListener('message', listen);
      }),
    close: () => channel.close(),
  };
}

/** Where the second tab of a run opens: this page, told which run it belongs to. */
export function secondTabPath(run: string, kind: ClientKind, calls: number): string {
  return `/compare?${new URLSearchParams({ 'second-tab': run, client: kind, calls: String(calls) })}`;
}
