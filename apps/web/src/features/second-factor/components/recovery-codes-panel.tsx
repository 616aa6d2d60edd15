import { useId, useRef, useState } from 'react';
import { useSecretShownOnce } from '../../../lib/use-secret-shown-once.ts';

export const RECOVERY_CODES_FILE_NAME = 'spa-auth-recovery-codes.txt';

/** The downloaded file: the codes one a line, under a line that says what they are. */
export function recoveryCodesFile(codes: readonly string[], account: string): string {
  return [`spa-auth recovery codes for ${account}. Each signs in once instead of a code of the authenticator app.`, ...codes, ''].join(
    '\n',
  );
}

/**
 * The one time recovery codes are on screen, right after the API made them: held by the page's
 * state while this panel shows, nowhere else. "Done" is offered once the user says they saved
 * them, and drops them.
 */
export function RecoveryCodesPanel(props: { codes: string[]; account: string; intro: string; onDone: () => void }) {
  const id = useId();
  const { heading, copy, copySecret, downloadSecret } = useSecretShownOnce();
  const [saved, setSaved] = useState(false);
  const list = useRef<HTMLOListElement>(null);

  const onCopy = () =>
    copySecret(props.codes.join('\n'), () => {
      if (list.current) window.getSelection()?.selectAllChildren(list.current);
    });

  const onDownload = () => downloadSecret(recoveryCodesFile(props.codes, props.account), RECOVERY_CODES_FILE_NAME);

  return (
    <section className="recovery-codes" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        Save your recovery codes
      </h3>
      <p className="new-secret-warning">
        {props.intro} <strong>They are shown this once.</strong> Each one signs you in once if you lose your authenticator app; keep them
        apart from it, as you would a password.
      </p>
      <ol ref={list} className="recovery-code-list" aria-label="Recovery codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" className="button" onClick={() => void onCopy()}>
          Copy codes
        </button>
        <button type="button" className="button" onClick={onDownload}>
          Download codes
        </button>
        <span role="status" className="copy-status">
          {copy === 'copied'
            ? 'Copied'
            : copy === 'failed'
              ? 'Copying is not possible here: the codes are selected, copy them yourself.'
              : ''}
        </span>
      </div>
      <label className="check">
        <input type="checkbox" checked={saved} onChange={(event) => setSaved(event.target.checked)} /> I have saved these codes somewhere
        safe
      </label>
      <div>
        <button type="button" className="button primary" disabled={!saved} onClick={props.onDone}>
          Done
        </button>
      </div>
    </section>
  );
}
