/** A machine client (OAuth 2.0 client credentials) that other services use to introspect tokens. */
export type ServiceClientRecord = {
  /** Also its OAuth `client_id`. */
  id: string;
  name: string;
  /** SHA-256 of the secret; the secret itself is never stored. */
  secretHash: Buffer;
  /** The admin who made it; null once that account is deleted. */
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export type NewServiceClientRecord = Omit<ServiceClientRecord, 'lastUsedAt' | 'revokedAt'>;

/** The service clients' port, owned by this feature. */
export type ServiceClientStore = {
  createServiceClient(client: NewServiceClientRecord): Promise<void>;
  /** The client with this id, revoked or not; null for an unknown id (or one that is not a UUID). */
  findServiceClient(id: string): Promise<ServiceClientRecord | null>;
  /** Every client not revoked, newest first. */
  listServiceClients(): Promise<ServiceClientRecord[]>;
  /** Revokes a live client; null when there is none with that id. */
  revokeServiceClient(id: string, at: Date): Promise<ServiceClientRecord | null>;
  /** Records that the client got a token at `at` (never moves back). */
  recordServiceClientUse(id: string, at: Date): Promise<void>;
};
