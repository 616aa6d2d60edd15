import { Page } from '../../components/ui/page.tsx';
import { SessionCard } from '../../features/session/components/session-card.tsx';
import { TokenTimeline } from '../../features/timeline/components/token-timeline.tsx';

export function DashboardRoute() {
  return (
    <Page title="Dashboard">
      <SessionCard />
      <TokenTimeline />
    </Page>
  );
}
