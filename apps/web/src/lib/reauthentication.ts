/**
 * What the API said about the sign-in it wants (RFC 9470): how recent it must be (`max_age`), and the
 * level (`acr_values`: `urn:spa-auth:acr:mfa` wants the second factor too), when it said so.
 */
export type ReauthenticationRequest = { maxAgeSeconds: number | undefined; acrValues?: string[] | undefined };

/**
 * Joins the API client, created before React, to the password dialog rendered inside it. The client
 * calls `ask` (its `onReauthenticationRequired`); the dialog shows while a request is open and
 * answers with `settle`: true once the client re-authenticated, false when the user cancelled.
 */
export type ReauthenticationBridge = {
  ask(request: ReauthenticationRequest): Promise<boolean>;
  /** The open request, or null. The same object until it is settled (for useSyncExternalStore). */
  getRequest(): ReauthenticationRequest | null;
  subscribe(listener: () => void): () => void;
  settle(reauthenticated: boolean): void;
};

export function createReauthenticationBridge(): ReauthenticationBridge {
  let open: { request: ReauthenticationRequest; answer: Promise<boolean>; resolve: (ok: boolean) => void } | null = null;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };

  return {
    ask(request) {
      // Nothing on screen could answer (no dialog mounted): a prompt nobody sees would hang the request.
      if (listeners.size === 0) return Promise.resolve(false);
      if (open) return open.answer;
      let resolve!: (ok: boolean) => void;
      const answer = new Promise<boolean>((done) => {
        resolve = done;
      });
      open = { request: { ...request }, answer, resolve };
      notify();
      return answer;
    },
    getRequest: () => open?.request ?? null,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    settle(reauthenticated) {
      if (!open) return;
      const { resolve } = open;
      open = null;
      resolve(reauthenticated);
      notify();
    },
  };
}
