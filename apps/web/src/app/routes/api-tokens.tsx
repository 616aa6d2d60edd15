import { ApiTokensPage } from '../../features/api-tokens/components/api-tokens-page.tsx';

export function ApiTokensRoute() {
  return <ApiTokensPage />;
}
