import type { CDPSession, Page } from '@playwright/test';

/** A credential as the WebAuthn domain reads and writes it (its `Credential` type): binary members in base64. */
export type StoredCredential = {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
  backupEligibility?: boolean;
  backupState?: boolean;
  userName?: string;
  userDisplayName?: string;
};

/**
 * Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain) in one page: a
 * platform authenticator that keeps discoverable credentials and verifies the user (as a phone's or a
 * laptop's does with a fingerprint), and answers every request at once, as if the person had touched
 * it. The credentials are real: P-256 keys, signatures and a signature counter the API verifies.
 * It lives as long as the page's DevTools session.
 */
export class VirtualAuthenticator {
  private readonly session: CDPSession;
  readonly id: string;

  private constructor(session: CDPSession, id: string) {
    this.session = session;
    this.id = id;
  }

  static async attach(page: Page): Promise<VirtualAuthenticator> {
    const session = await page.context().newCDPSession(page);
    await session.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await session.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        ctap2Version: 'ctap2_1',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return new VirtualAuthenticator(session, authenticatorId);
  }

  /** The credentials it holds, with their private keys and signature counters. */
  async credentials(): Promise<StoredCredential[]> {
    return (await this.session.send('WebAuthn.getCredentials', { authenticatorId: this.id })).credentials;
  }

  async removeCredential(credentialId: string): Promise<void> {
    await this.session.send('WebAuthn.removeCredential', { authenticatorId: this.id, credentialId });
  }

  /** Puts a credential in, as it was read out earlier (a copy of a key, with its counter then). */
  async addCredential(credential: StoredCredential): Promise<void> {
    await this.session.send('WebAuthn.addCredential', { authenticatorId: this.id, credential });
  }

  /** Whether a request is answered at once (the person touched it) or waits for ever (they did not). */
  async setPresence(present: boolean): Promise<void> {
    await this.session.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: this.id, enabled: present });
  }
}
