import { useEffect, useState } from 'react';
import { useSession } from '../../../lib/services.tsx';

/** The access token's remaining lifetime, by the client's clock. role=timer is not announced on every tick. */
export function TokenCountdown() {
  const session = useSession();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  if (!session) return null;
  const left = Math.max(0, Math.ceil((session.accessTokenExpiresAt - now) / 1000));
  return (
    <>
      <p>
        Access tokens live <strong>{Math.round(session.accessTokenLifetime / 1000)} s</strong> here (the API's ACCESS_TOKEN_TTL), so expiry
        comes quickly.
      </p>
      <p className="countdown" role="timer" aria-label="Access token lifetime">
        {left > 0 ? (
          <>
            Access token expires in <strong>{left} s</strong>
          </>
        ) : (
          <>
            Access token <strong>expired</strong>: the next call refreshes it
          </>
        )}
      </p>
    </>
  );
}
