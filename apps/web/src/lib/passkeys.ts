/**
 * Whether this browser has WebAuthn at all. Without it (an old browser, a page that is not a secure
 * context) the app shows no passkey control: a button that can only fail is worse than none.
 */
export const passkeysSupported = (): boolean => typeof globalThis.PublicKeyCredential === 'function';

/**
 * The passkey ceremonies and `@simplewebauthn/browser`: a chunk of their own, fetched when a passkey
 * is first used (or when the sign-in page offers passkeys in the email field's autofill, after it has
 * rendered), so the sign-in page's first JavaScript carries only these two lines.
 */
export const loadPasskeys = () => import('./passkey-ceremonies.ts');
