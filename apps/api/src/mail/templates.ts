import type { MailMessage } from './outbox.ts';

/** The product name in every subject and signature. */
const PRODUCT = 'spa-auth';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

type Content = {
  subject: string;
  greeting: string;
  /** Paragraphs of plain text; the HTML body escapes them. */
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Said after the action, e.g. how long the link works. */
  closing?: string;
};

/**
 * Every message in one shape: a greeting, paragraphs, at most one link as a button, the same in
 * text and HTML. Names and addresses come from users, so the HTML escapes every piece of text.
 */
function render(to: string, content: Content): MailMessage {
  const { subject, greeting, paragraphs, action, closing } = content;
  const textParts = [greeting, ...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : []), ...(closing ? [closing] : [])];
  const text = `${textParts.join('\n\n')}\n\n-- ${PRODUCT}\n`;
  const p = (t: string) => `<p style="margin:0 0 16px">${escapeHtml(t)}</p>`;
  const button = action
    ? `<p style="margin:0 0 16px"><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;color:#555">Or paste this address into your browser: ${escapeHtml(action.url)}</p>`
    : '';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:560px;margin:24px auto;padding:0 16px">
${p(greeting)}${paragraphs.map(p).join('')}${button}${closing ? p(closing) : ''}<p style="margin:24px 0 0;color:#555">${PRODUCT}</p>
</body></html>`;
  return { to, subject: `${subject} (${PRODUCT})`, text, html };
}

export const verifyEmailMessage = (to: string, name: string, url: string) =>
  render(to, {
    subject: 'Confirm your email address',
    greeting: `Hello ${name},`,
    paragraphs: ['Please confirm that this address is yours, so that we can use it to reach you about your account.'],
    action: { label: 'Confirm my email address', url },
    closing: 'The link works once, for 24 hours. If you did not create an account, ignore this message.',
  });

export const resetPasswordMessage = (to: string, name: string, url: string) =>
  render(to, {
    subject: 'Reset your password',
    greeting: `Hello ${name},`,
    paragraphs: ['Someone asked to reset the password of the account with this address. If it was you, choose a new password:'],
    action: { label: 'Choose a new password', url },
    closing:
      'The link works once, for 30 minutes, and not at all after the password changes. If you did not ask, ignore this message: your password stays as it is.',
  });

export const passwordChangedMessage = (to: string, name: string, via: 'change' | 'reset') =>
  render(to, {
    subject: 'Your password was changed',
    greeting: `Hello ${name},`,
    paragraphs: [
      via === 'reset'
        ? 'The password of your account was reset with a link sent to this address, and every session was signed out.'
        : 'The password of your account was changed, and every other session was signed out.',
      'If this was not you, reset your password now and check the sessions of your account.',
    ],
  });

export const confirmEmailChangeMessage = (to: string, name: string, url: string) =>
  render(to, {
    subject: 'Confirm your new email address',
    greeting: `Hello ${name},`,
    paragraphs: ['You asked to use this address for your account. It replaces the old one once you confirm it:'],
    action: { label: 'Use this address', url },
    closing: 'The link works once, for 24 hours. If you did not ask for this, ignore this message: nothing changes.',
  });

export const emailChangedMessage = (to: string, name: string, newEmail: string) =>
  render(to, {
    subject: 'Your email address was changed',
    greeting: `Hello ${name},`,
    paragraphs: [
      `The email address of your account is now ${newEmail}. Messages about the account go there from now on.`,
      'If this was not you, sign in and change your password at once, or contact us.',
    ],
  });

export const refreshReusedMessage = (to: string, name: string) =>
  render(to, {
    subject: 'We signed out one of your sessions',
    greeting: `Hello ${name},`,
    paragraphs: [
      'A sign-in token of one of your sessions was used again after it had been replaced. That happens when someone copied it, so we ended that session at once.',
      'If you did not just lose a session yourself, change your password and check the sessions of your account.',
    ],
  });

export const secondFactorChangedMessage = (to: string, name: string, change: 'added' | 'removed') =>
  render(to, {
    subject: change === 'added' ? 'A second factor was added to your account' : 'The second factor of your account was removed',
    greeting: `Hello ${name},`,
    paragraphs: [
      change === 'added'
        ? 'An authenticator app was set up as the second factor of your account: signing in now asks for one of its codes after the password.'
        : 'The authenticator app was removed from your account, with its recovery codes: signing in asks for the password alone.',
      'If this was not you, reset your password now and check the sessions and the activity of your account.',
    ],
  });

/** A passkey was added to the account, or passkeys removed from it (by the owner, or by a password reset). */
export const passkeyChangedMessage = (to: string, name: string, change: { added: string } | { removed: string[]; byReset: boolean }) =>
  render(to, {
    subject: 'added' in change ? 'A passkey was added to your account' : 'A passkey was removed from your account',
    greeting: `Hello ${name},`,
    paragraphs: [
      'added' in change
        ? `The passkey “${change.added}” was added to your account: it signs in without a password from now on.`
        : `${change.removed.map((passkey) => `“${passkey}”`).join(', ')} ${change.removed.length === 1 ? 'was' : 'were'} removed from your account${
            change.byReset ? ', as the password was reset' : ''
          }: ${change.removed.length === 1 ? 'it signs' : 'they sign'} in no more.`,
      'If this was not you, reset your password now and check the passkeys, the sessions and the activity of your account.',
    ],
  });
