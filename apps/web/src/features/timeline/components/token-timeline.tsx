import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useTimeline } from '../timeline-context.tsx';

const time = (at: number) => {
  const d = new Date(at);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};

/** The client's events, live. An ARIA log: new entries are announced politely, old ones are not repeated. */
export function TokenTimeline() {
  const timeline = useTimeline();
  const entries = useSyncExternalStore(timeline.subscribe, timeline.getEntries);
  const list = useRef<HTMLOListElement>(null);
  // Keep the newest entry in view, as a terminal would.
  useEffect(() => {
    if (entries.length > 0) list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [entries]);
  return (
    <section className="timeline" aria-labelledby="timeline-heading">
      <div className="section-heading">
        <h2 id="timeline-heading">Token timeline</h2>
        <button type="button" className="button small" onClick={timeline.clear}>
          Clear
        </button>
      </div>
      <p className="note">
        Every request the shared client makes, as it happens. When the countdown reaches zero, press “Send 20 requests at once”: the client
        knows the token has expired, so the twenty requests wait for <strong>one</strong> refresh and are then sent with the new token. If
        the API refuses a token the client still thought valid (revoked, or clocks apart), the requests get a 401, wait for the same single
        refresh, and are each retried once. With two tabs open, only one refreshes; the other receives the token.
      </p>
      {/* The log wraps the list: role="log" on the <ol> itself would orphan its <li> items (axe: listitem). */}
      <div role="log" aria-label="Token timeline">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1) */}
        <ol ref={list} className="timeline-list" tabIndex={0}>
          {entries.map((entry) => (
            <li key={entry.id} className={`entry entry-${entry.kind}`}>
              <time dateTime={new Date(entry.at).toISOString()}>{time(entry.at)}</time> {entry.text}
              {entry.count > 1 ? <strong className="count"> ×{entry.count}</strong> : null}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
