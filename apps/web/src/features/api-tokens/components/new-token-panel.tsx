import type { CreatedApiTokenResponse } from '@spa-auth/contract';
import { useId, useRef } from 'react';
import { useSecretShownOnce } from '../../../lib/use-secret-shown-once.ts';
import { absoluteApiUrl, CREDENTIALS_FILE_NAME, credentialsFile } from '../credentials.ts';

/**
 * The one time a token's secret is on screen, right after its creation. It is held by the page's
 * state while this panel shows, and nowhere else: not in the query cache, not in storage. "Done"
 * drops it and unmounts the panel, and with it the file made for the download.
 */
export function NewTokenPanel(props: { created: CreatedApiTokenResponse; apiUrl: string; onDone: () => void }) {
  const { token, secret } = props.created;
  const id = useId();
  const { heading, copy, copySecret, downloadSecret } = useSecretShownOnce();
  const field = useRef<HTMLInputElement>(null);

  const onCopy = () => copySecret(secret, () => field.current?.select());

  const onDownload = () =>
    downloadSecret(
      credentialsFile({
        apiUrl: absoluteApiUrl(props.apiUrl, window.location.origin),
        secret,
        name: token.name,
        expiresAt: token.expiresAt,
      }),
      CREDENTIALS_FILE_NAME,
    );

  return (
    <section className="card new-token" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        Token “{token.name}” created
      </h2>
      <p id={`${id}-warning`} className="new-token-warning">
        <strong>Copy it now: you will not see it again.</strong> Anyone with it can act as you within its scopes. Keep it as you would a
        password, and revoke it below if it may have leaked.
      </p>
      <div className="field">
        <label htmlFor={`${id}-secret`}>Your new API token</label>
        <input
          ref={field}
          id={`${id}-secret`}
          className="token-secret"
          value={secret}
          readOnly
          spellCheck={false}
          autoComplete="off"
          aria-describedby={`${id}-warning`}
          onFocus={(event) => event.target.select()}
        />
      </div>
      <div className="actions">
        <button type="button" className="button" onClick={() => void onCopy()}>
          Copy
        </button>
        <button type="button" className="button" onClick={onDownload}>
          Download credentials
        </button>
        <span role="status" className="copy-status">
          {copy === 'copied' ? 'Copied' : copy === 'failed' ? 'Copying is not possible here: the token is selected, copy it yourself.' : ''}
        </span>
      </div>
      <p className="hint">
        The download, {CREDENTIALS_FILE_NAME}, sets <code>SPA_AUTH_API_URL</code> to this API's address and <code>SPA_AUTH_TOKEN</code> to
        the token. A program sends the token as <code>Authorization: Bearer</code> followed by it.
      </p>
      <div>
        <button type="button" className="button primary" onClick={props.onDone}>
          Done
        </button>
      </div>
    </section>
  );
}
