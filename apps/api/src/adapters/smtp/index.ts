import nodemailer from 'nodemailer';
import type { MailMessage, MailTransport } from '../../mail/outbox.ts';

/**
 * The mail port over SMTP with nodemailer. `url` is SMTP_URL (`smtp://user:pass@host:587`, or
 * `smtps://` for TLS from the first byte); `from` is MAIL_FROM. Timeouts are short so a mail server
 * that hangs fails the attempt, and the outbox retries it, rather than holding a connection.
 */
export function createSmtpTransport(url: string, from: string): MailTransport & { close(): void } {
  const transporter = nodemailer.createTransport(
    { url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 },
    { from },
  );
  return {
    async send(message: MailMessage) {
      await transporter.sendMail({ to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
    close: () => transporter.close(),
  };
}
