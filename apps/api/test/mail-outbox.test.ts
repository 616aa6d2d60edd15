import { startMailCatcher } from '@spa-auth/mail-catcher';
import { describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../src/adapters/smtp/index.ts';
import { createLogger } from '../src/logger.ts';
import { createOutbox, MAX_SEND_ATTEMPTS, type MailMessage, type SendSchedule } from '../src/mail/outbox.ts';

const message: MailMessage = { to: 'someone@example.test', subject: 'Hello', text: 'secret-link-token', html: '<p>secret-link-token</p>' };

/** A schedule the test steps by hand, recording the delays asked for. */
function steppedSchedule() {
  const waiting: { run: () => void; delayMs: number }[] = [];
  const schedule: SendSchedule = (run, delayMs) => {
    const entry = { run, delayMs };
    waiting.push(entry);
    return { cancel: () => waiting.splice(waiting.indexOf(entry), 1) };
  };
  return { schedule, waiting };
}

function memoryLogger() {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}

describe('the mail outbox', () => {
  it('when the mail server refuses at first, then it retries with doubling delays, sends, and logs no address or body', async () => {
    const catcher = await startMailCatcher();
    const real = createSmtpTransport(catcher.smtpUrl, 'spa-auth <no-reply@example.test>');
    let failures = 2;
    const transport = {
      send: (m: MailMessage) => (failures-- > 0 ? Promise.reject(new Error('421 try again later')) : real.send(m)),
    };
    const { schedule, waiting } = steppedSchedule();
    const { logger, text } = memoryLogger();
    const outbox = createOutbox({ transport, logger, schedule, firstRetryMs: 1000 });
    outbox.enqueue('test_kind', message);
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      await expect.poll(() => waiting.length).toBe(1);
      const next = waiting.shift() as { run: () => void; delayMs: number };
      delays.push(next.delayMs);
      next.run();
    }
    await outbox.idle();
    expect(delays).toEqual([1000, 2000]);
    expect(catcher.messages().map((m) => m.subject)).toEqual(['Hello']);
    expect(text()).toContain('mail sent after a retry');
    expect(text()).not.toContain('someone@example.test');
    expect(text()).not.toContain('secret-link-token');
    real.close();
    await catcher.stop();
  });

  it('when every attempt fails, then it gives up after MAX_SEND_ATTEMPTS with an error log, and idle resolves', async () => {
    const { schedule, waiting } = steppedSchedule();
    const { logger, text } = memoryLogger();
    let attempts = 0;
    const outbox = createOutbox({
      transport: { send: () => Promise.reject(new Error(`refused ${++attempts}`)) },
      logger,
      schedule,
    });
    outbox.enqueue('doomed', message);
    const idle = outbox.idle();
    for (let i = 1; i < MAX_SEND_ATTEMPTS; i++) {
      await expect.poll(() => waiting.length).toBe(1);
      (waiting.shift() as { run: () => void }).run();
    }
    await idle;
    expect(attempts).toBe(MAX_SEND_ATTEMPTS);
    expect(text()).toContain('giving up');
  });

  it('when there is no mail server, then nothing is queued and the outbox says it is off', async () => {
    const outbox = createOutbox({ transport: undefined, logger: memoryLogger().logger });
    expect(outbox.isEnabled).toBe(false);
    outbox.enqueue('nothing', message);
    await outbox.idle();
  });
});
