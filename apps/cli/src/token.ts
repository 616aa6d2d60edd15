import { API_TOKEN_PATTERN } from '@spa-auth/contract/wire';

// The format check is the contract's, the one the API runs: a token this client accepts is one the
// API would read, and one it refuses the API would refuse before any database read.
export { isWellFormedApiToken } from '@spa-auth/contract/wire';

/** Whether `text` holds an API token anywhere, to refuse one typed on the command line. */
export function containsApiToken(text: string): boolean {
  return API_TOKEN_PATTERN.test(text);
}
