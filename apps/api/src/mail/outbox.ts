import type { Logger } from 'pino';

/** One message, as every template renders it: a plain-text body and an HTML one. */
export type MailMessage = { to: string; subject: string; text: string; html: string };

/** The mail port: hands one message to a mail server. adapters/smtp implements it with nodemailer. */
export type MailTransport = { send(message: MailMessage): Promise<void> };

export type ScheduledSend = { cancel(): void };
/** Runs `run` once after `delayMs`. A seam, so tests can step the retries without waiting. */
export type SendSchedule = (run: () => void, delayMs: number) => ScheduledSend;

const nodeSchedule: SendSchedule = (run, delayMs) => {
  const timer = setTimeout(run, delayMs);
  return { cancel: () => clearTimeout(timer) };
};

export type Outbox = {
  /** False when no mail server is configured: the flows that need mail say so in the docs. */
  readonly isEnabled: boolean;
  /**
   * Queues a message and returns at once: sending never delays or fails the request that caused
   * it. `kind` names the message in logs, which never carry the address, the subject or the body
   * (a link in it is a secret).
   */
  enqueue(kind: string, message: MailMessage): void;
  /** Resolves when nothing is being sent or waiting for a retry (shutdown and tests). */
  idle(): Promise<void>;
  /** Cancels the retries still waiting; what is being sent finishes. */
  stop(): Promise<void>;
};

export const MAX_SEND_ATTEMPTS = 5;
const FIRST_RETRY_MS = 2_000;

/**
 * An in-process queue in front of the transport: a failed send is retried with exponential backoff
 * (2 s, 4 s, 8 s, 16 s) and given up after five attempts, with a warning each time. It lives in
 * memory, so mail waiting for a retry is lost if the process stops; a starter that cannot lose
 * a message puts a durable queue behind this same interface.
 */
export function createOutbox(deps: {
  transport: MailTransport | undefined;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  schedule?: SendSchedule;
  firstRetryMs?: number;
}): Outbox {
  const { transport, logger } = deps;
  const schedule = deps.schedule ?? nodeSchedule;
  const firstRetryMs = deps.firstRetryMs ?? FIRST_RETRY_MS;
  // Messages being sent or waiting for a retry; idle() resolves when it reaches zero.
  let pending = 0;
  const whenIdle: (() => void)[] = [];
  const retries = new Set<ScheduledSend>();
  let isStopped = false;

  const finish = () => {
    pending -= 1;
    if (pending === 0) for (const resolve of whenIdle.splice(0)) resolve();
  };

  const attempt = (kind: string, message: MailMessage, number: number, send: MailTransport['send']): void => {
    send(message).then(
      () => {
        if (number > 1) logger.info({ kind, attempt: number }, 'mail sent after a retry');
        finish();
      },
      (err: unknown) => {
        // A mail server's error names the server and the reason, never the message.
        if (number >= MAX_SEND_ATTEMPTS || isStopped) {
          logger.error({ err, kind, attempts: number }, 'mail not sent; giving up');
          finish();
          return;
        }
        logger.warn({ err, kind, attempt: number }, 'mail not sent; retrying');
        const retry = schedule(
          () => {
            retries.delete(retry);
            attempt(kind, message, number + 1, send);
          },
          firstRetryMs * 2 ** (number - 1),
        );
        retries.add(retry);
      },
    );
  };

  return {
    isEnabled: transport !== undefined,
    enqueue(kind, message) {
      if (!transport || isStopped) return;
      pending += 1;
      attempt(kind, message, 1, (m) => transport.send(m));
    },
    idle: () => (pending === 0 ? Promise.resolve() : new Promise((resolve) => whenIdle.push(resolve))),
    async stop() {
      isStopped = true;
      for (const retry of retries) {
        retry.cancel();
        finish();
      }
      retries.clear();
      if (pending > 0) await new Promise<void>((resolve) => whenIdle.push(resolve));
    },
  };
}
