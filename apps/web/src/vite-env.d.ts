/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's base URL: absolute, or a path on this origin behind a reverse proxy. */
  readonly VITE_API_URL?: string;
  /** The notes service's base URL, in the same two forms; unset, the app has no Notes page. */
  readonly VITE_NOTES_URL?: string;
}
