import type { CreatedApiTokenResponse } from '@spa-auth/contract';
import { useEffect, useId, useRef, useState } from 'react';
import { absoluteApiUrl, CREDENTIALS_FILE_NAME, credentialsFile } from '../credentials.ts';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * The one time a token's secret is on screen, right after its creation. It is held by the page's
 * state while this panel shows, and nowhere else: not in the query cache, not in storage. "Done"
 * drops it and unmounts the panel, and with it the file made for the download.
 */
export function NewTokenPanel(props: { created: CreatedApiTokenResponse; apiUrl: string; onDone: () => void }) {
  const { token, secret } = props.created;
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  // Every object URL made for a download holds the secret until it is revoked: they go with the panel.
  const downloads = useRef<string[]>([]);

  useEffect(() => {
    heading.current?.focus();
    const made = downloads.current;
    return () => {
      for (const url of made) URL.revokeObjectURL(url);
    };
  }, []);

  const onCopy = async () => {
    try {
      // Absent outside a secure context (plain http on another host than localhost).
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      setCopy('failed');
      field.current?.select();
    }
  };

  const onDownload = () => {
    const text = credentialsFile({
      apiUrl: absoluteApiUrl(props.apiUrl, window.location.origin),
      secret,
      name: token.name,
      expiresAt: token.expiresAt,
    });
    // An object URL, not a data: URL: browsers keep a download's address in their history, and a
    // data: URL would put the secret there.
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    downloads.current.push(url);
    const link = document.createElement('a');
    link.href = url;
    link.download = CREDENTIALS_FILE_NAME;
    link.click();
  };

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
