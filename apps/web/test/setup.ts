import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { server } from './support/api-double.ts';

// jsdom lays nothing out, so it has no Element.scrollTo; every browser the app supports has it.
// A no-op stands in (the token timeline keeps its newest entry in view with it).
if (typeof Element.prototype.scrollTo !== 'function') {
  Element.prototype.scrollTo = () => {};
}

// A request nobody answers is a test bug, not something to let through to the real network.
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  // Unmount first, so no component of this test sends a request the next test's handlers would see.
  cleanup();
  server.resetHandlers();
});
afterAll(() => server.close());
