// A mail catcher for development and tests: a real SMTP server (nodemailer's smtp-server) that
// keeps every message in memory, and a small web inbox to read them. `npm start` runs it beside the
// demo, the API tests start one per suite on a random port, and the end-to-end suite reads its JSON.
// Built on the two libraries nodemailer's author keeps for this (smtp-server, mailparser): 31
// packages, against some 270 for MailDev, which would double what a fresh clone installs.
//
//   node packages/mail-catcher/src/index.ts [--smtp-port 1025] [--web-port 1080] [--host 127.0.0.1]
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type CaughtMail = {
  id: number;
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  receivedAt: string;
};

export type MailCatcher = {
  /** What SMTP_URL should be for the API to send here. */
  smtpUrl: string;
  /** The web inbox (GET /, /messages/:id, /api/messages), when one was asked for. */
  webUrl: string | undefined;
  messages(): CaughtMail[];
  /** The first message, caught already or still to come, that `matches`: no polling, no timeout. */
  nextMessage(matches: (mail: CaughtMail) => boolean): Promise<CaughtMail>;
  stop(): Promise<void>;
};

const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.map((a) => a.address ?? '')).filter(Boolean);

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export async function startMailCatcher(options: { smtpPort?: number; webPort?: number | null; host?: string } = {}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const caught: CaughtMail[] = [];
  const waiting = new Set<{ matches: (mail: CaughtMail) => boolean; resolve: (mail: CaughtMail) => void }>();

  const smtp = new SMTPServer({
    // Local only: no TLS, any login accepted, nothing relayed anywhere.
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: CaughtMail = {
            id: caught.length + 1,
            to: session.envelope.rcptTo
              .map((r) => r.address)
              .concat(addresses(parsed.to))
              .filter((a, i, all) => all.indexOf(a) === i),
            from: addresses(parsed.from)[0] ?? session.envelope.mailFrom?.valueOf().toString() ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            receivedAt: new Date().toISOString(),
          };
          caught.push(mail);
          for (const waiter of waiting) {
            if (waiter.matches(mail)) {
              waiting.delete(waiter);
              waiter.resolve(mail);
            }
          }
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  smtp.listen(options.smtpPort ?? 0, host);
  await once(smtp.server, 'listening');
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  let web: http.Server | undefined;
  if (options.webPort !== null && options.webPort !== undefined) {
    web = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://inbox');
      const page = (status: number, title: string, body: string) => {
        res.writeHead(status, {
          'Content-Type': 'text/html; charset=utf-8',
          // The messages' HTML is shown in a sandboxed frame; nothing here runs scripts.
          'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src data:",
        });
        res.end(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
            `<body style="font-family:system-ui,sans-serif;max-width:900px;margin:24px auto;padding:0 16px">${body}</body></html>`,
        );
      };
      if (url.pathname === '/api/messages') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(caught));
        return;
      }
      const one = /^\/messages\/(\d+)$/.exec(url.pathname);
      if (one) {
        const mail = caught[Number(one[1]) - 1];
        if (!mail) return page(404, 'Not found', '<p>No such message. <a href="/">Inbox</a></p>');
        return page(
          200,
          mail.subject,
          `<p><a href="/">Inbox</a></p><h1 style="font-size:20px">${escapeHtml(mail.subject)}</h1>` +
            `<p>From ${escapeHtml(mail.from)} to ${escapeHtml(mail.to.join(', '))}, ${escapeHtml(mail.receivedAt)}</p>` +
            (mail.html
              ? `<iframe title="Message" sandbox="allow-popups allow-popups-to-escape-sandbox" style="width:100%;height:420px;border:1px solid #ccc" srcdoc="${escapeHtml(mail.html.replace(/<a /g, '<a target="_blank" '))}"></iframe>`
              : '') +
            `<h2 style="font-size:16px">Text</h2><pre style="white-space:pre-wrap">${escapeHtml(mail.text)}</pre>`,
        );
      }
      if (url.pathname === '/') {
        const rows = [...caught]
          .reverse()
          .map(
            (m) =>
              `<li><a href="/messages/${m.id}">${escapeHtml(m.subject)}</a> to ${escapeHtml(m.to.join(', '))} <small>${escapeHtml(m.receivedAt)}</small></li>`,
          )
          .join('');
        return page(200, 'Inbox', `<h1 style="font-size:22px">Inbox (${caught.length})</h1><ul>${rows || '<li>No mail yet.</li>'}</ul>`);
      }
      page(404, 'Not found', '<p>Not found. <a href="/">Inbox</a></p>');
    });
    web.listen(options.webPort, host);
    await once(web, 'listening');
  }
  const webPort = web ? (web.address() as AddressInfo).port : undefined;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    webUrl: webPort === undefined ? undefined : `http://${host === '127.0.0.1' ? 'localhost' : host}:${webPort}`,
    messages: () => [...caught],
    nextMessage: (matches) =>
      new Promise((resolve) => {
        const found = caught.find(matches);
        if (found) resolve(found);
        else waiting.add({ matches, resolve });
      }),
    async stop() {
      web?.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => smtp.close(() => resolve())), web ? new Promise((r) => web.close(r)) : undefined]);
    },
  };
}

/** The link a message carries to the web app (the first http(s) URL of its text). */
export function linkIn(mail: CaughtMail): string {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`no link in "${mail.subject}"`);
  return match[0];
}

if (import.meta.main) {
  const flag = (name: string, fallback: number) => {
    const index = process.argv.indexOf(name);
    return index >= 0 ? Number(process.argv[index + 1]) : fallback;
  };
  const hostIndex = process.argv.indexOf('--host');
  const catcher = await startMailCatcher({
    smtpPort: flag('--smtp-port', 1025),
    webPort: flag('--web-port', 1080),
    ...(hostIndex >= 0 ? { host: process.argv[hostIndex + 1] as string } : {}),
  });
  console.log(`mail catcher: SMTP ${catcher.smtpUrl}, inbox ${catcher.webUrl}`);
  const stop = () => void catcher.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
