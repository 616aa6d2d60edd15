import { ComparePage } from '../../features/compare/components/compare-page.tsx';

export function CompareRoute() {
  return <ComparePage />;
}
