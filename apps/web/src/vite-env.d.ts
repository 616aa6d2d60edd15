/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's base URL: absolute, or a path on this origin behind a reverse proxy. */
  readonly VITE_API_URL?: string;
}
