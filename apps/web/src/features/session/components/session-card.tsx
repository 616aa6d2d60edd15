import { ApiError } from '@spa-auth/http-client';
import { useState } from 'react';
import { getMe } from '../../../lib/me.ts';
import { useClient, useSession } from '../../../lib/services.tsx';
import { TokenCountdown } from './token-countdown.tsx';

const BURST = 20;

const describeError = (error: unknown) => (error instanceof ApiError ? error.code : 'unexpected error');

/** Who is signed in, the access token's countdown, and two calls that show the client refreshing: one, and a burst. */
export function SessionCard() {
  const client = useClient();
  const session = useSession();
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<string>) {
    setBusy(true);
    try {
      setResult(await action());
    } finally {
      setBusy(false);
    }
  }

  const callMe = () =>
    run(async () => {
      try {
        const user = await getMe(client);
        return `/api/me answered: ${user.name} (${user.email})`;
      } catch (error) {
        return `/api/me failed: ${describeError(error)}`;
      }
    });

  const burst = () =>
    run(async () => {
      const results = await Promise.allSettled(Array.from({ length: BURST }, () => getMe(client)));
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const failure = results.find((r) => r.status === 'rejected');
      return `${ok} of ${BURST} requests succeeded${failure ? `; first failure: ${describeError(failure.reason)}` : ''}`;
    });

  return (
    <section className="card" aria-labelledby="who-heading">
      <h2 id="who-heading">Signed in</h2>
      <p>
        {session?.user.name} · {session?.user.email} · role <strong>{session?.user.role}</strong>
      </p>
      <TokenCountdown />
      <div className="actions">
        <button type="button" className="button primary" onClick={callMe} disabled={busy}>
          Call /api/me
        </button>
        <button type="button" className="button" onClick={burst} disabled={busy}>
          Send {BURST} requests at once
        </button>
      </div>
      <p role="status" className="result">
        {result}
      </p>
    </section>
  );
}
