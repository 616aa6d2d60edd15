import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';

/**
 * The secret of an emailed link (`#token=…`). The API puts it in the fragment because a browser
 * never sends the fragment to a server, so it stays out of logs and Referer headers. It is read
 * once, then dropped from the address bar by replacing the history entry (history.replaceState),
 * so neither the back button nor the history shows it again. Null when the address has none.
 */
export function useLinkToken(): string | null {
  const location = useLocation();
  const navigate = useNavigate();
  const [token] = useState(() => new URLSearchParams(location.hash.slice(1)).get('token'));
  useEffect(() => {
    if (location.hash) void navigate({ pathname: location.pathname, search: location.search }, { replace: true });
  }, [location, navigate]);
  return token;
}
