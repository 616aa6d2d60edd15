import { createContext, type ReactNode, useContext } from 'react';
import type { TimelineStore } from './timeline-store.ts';

const TimelineContext = createContext<TimelineStore | null>(null);

/** The store is made at start-up, before the first refresh, so the timeline begins with it. */
export function TimelineProvider(props: { store: TimelineStore; children: ReactNode }) {
  return <TimelineContext.Provider value={props.store}>{props.children}</TimelineContext.Provider>;
}

export function useTimeline(): TimelineStore {
  const store = useContext(TimelineContext);
  if (!store) throw new Error('useTimeline needs a <TimelineProvider>');
  return store;
}
