import type { PasskeyInfo } from '@spa-auth/contract';
import { ApiError } from '@spa-auth/http-client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { describeDevice } from '../../../lib/device.ts';
import { PASSKEYS_KEY, passkeysQuery } from '../../../lib/passkey-list.ts';
import { loadPasskeys, passkeysSupported } from '../../../lib/passkeys.ts';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient } from '../../../lib/services.tsx';
import { addPasskey, removePasskey, renamePasskey } from '../api/passkeys.ts';
import './passkeys.css';

// A recent sign-in is asked by the API and the re-authentication dialog; this says what cancelling it left undone.
const MESSAGES = {
  insufficient_user_authentication: 'Nothing was changed: this needs you to confirm it is you.',
  not_found: 'This passkey is gone already (removed in another tab or device).',
};

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

/** What "synced" means to the person: `multiDevice` is WebAuthn's backup eligibility. */
const kindOf = (passkey: PasskeyInfo) =>
  passkey.deviceType === 'multiDevice'
    ? `Synced${passkey.backedUp ? '' : ' (not backed up yet)'}: a password manager or your devices' keychain keeps it`
    : 'Device-bound: only the device or security key that made it holds it';

/** Only the outcome of the last action is said; the next one clears it. */
type Outcome = { tone: 'success' | 'error'; text: string } | null;

/** A passkey's two edits, each opened in its row by a button named for the passkey. */
const EDIT_ACTIONS = [
  { action: 'rename', label: 'Rename' },
  { action: 'remove', label: 'Remove' },
] as const;

/**
 * Settings' "Passkeys" (requirement 18.4 to 18.7): the account's passkeys with their name, when each
 * was added and last used, and whether it is synced or bound to one device; adding one (named, from
 * a recent sign-in: the re-authentication dialog asks when needed), renaming and removing them
 * (asked first; a recent sign-in). A browser without WebAuthn lists, renames and removes them, but
 * cannot make one.
 */
export function PasskeysSettings() {
  const client = useClient();
  const queryClient = useQueryClient();
  const passkeys = useQuery(passkeysQuery(client));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [editing, setEditing] = useState<{ id: string; action: 'rename' | 'remove' } | null>(null);
  // A guess at what will keep it, for the person to correct: "Chrome on macOS".
  const deviceName = () => describeDevice(globalThis.navigator?.userAgent ?? null);
  const [name, setName] = useState(deviceName);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: PASSKEYS_KEY });
  const say = (next: Outcome) => setOutcome(next);
  // A row's buttons may be gone (removed) or replaced (the rename form): the focus goes to what happened.
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);
  const failed = (error: unknown) => {
    say({ tone: 'error', text: toFormProblem(error, MESSAGES).form ?? 'Something went wrong. Try again.' });
    if (error instanceof ApiError && error.code === 'not_found') void refresh();
  };

  const add = useMutation({
    mutationFn: () => addPasskey(client, name),
    onMutate: () => setOutcome(null),
    onSuccess: async (passkey) => {
      setName(deviceName());
      await refresh();
      say({ tone: 'success', text: `“${passkey.name}” was added. Sign in with it from the sign-in page: “Sign in with a passkey”.` });
    },
    onError: async (error) => {
      const { passkeyProblem } = await loadPasskeys();
      const text = passkeyProblem(error, (other) => toFormProblem(other, MESSAGES).form ?? 'Something went wrong. Try again.');
      // The person closed the browser's dialog: their choice, nothing to say.
      if (text) say({ tone: 'error', text });
      if (error instanceof ApiError && error.code === 'passkey_limit') void refresh();
    },
  });
  const rename = useMutation({
    mutationFn: (change: { id: string; name: string }) => renamePasskey(client, change.id, change.name),
    onMutate: () => setOutcome(null),
    onSuccess: async (passkey) => {
      setEditing(null);
      await refresh();
      say({ tone: 'success', text: `The passkey is now called “${passkey.name}”.` });
    },
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: (passkey: PasskeyInfo) => removePasskey(client, passkey.id),
    onMutate: () => setOutcome(null),
    onSuccess: async (_nothing, passkey) => {
      setEditing(null);
      await refresh();
      say({ tone: 'success', text: `“${passkey.name}” was removed: it signs you in no more.` });
    },
    onError: (error) => {
      setEditing(null);
      failed(error);
    },
  });

  const cancelEditing = () => {
    setEditing(null);
    requestAnimationFrame(() => heading.current?.focus());
  };

  return (
    <section aria-labelledby="passkeys-heading" className="card passkeys">
      <h2 id="passkeys-heading" ref={heading} tabIndex={-1}>
        Passkeys
      </h2>
      <p>
        A passkey signs you in with your fingerprint, your face or your device's PIN, with no email or password to type, and it cannot be
        phished. Your phone, computer, password manager or security key keeps it.
      </p>
      <div aria-live="polite">
        {outcome ? (
          <Alert ref={outcomeRef} tone={outcome.tone}>
            {outcome.text}
          </Alert>
        ) : null}
      </div>
      {passkeys.isPending ? <p role="status">Loading passkeys…</p> : null}
      {passkeys.error ? <Alert tone="error">{toFormProblem(passkeys.error).form}</Alert> : null}
      {passkeys.data?.length === 0 ? <p>This account has no passkeys.</p> : null}
      {passkeys.data?.length ? (
        <ul className="passkey-list" aria-label="Your passkeys">
          {passkeys.data.map((passkey) => (
            <li key={passkey.id}>
              {editing?.id === passkey.id && editing.action === 'rename' ? (
                <RenameForm
                  passkey={passkey}
                  busy={rename.isPending}
                  onSave={(newName) => rename.mutate({ id: passkey.id, name: newName })}
                  onCancel={cancelEditing}
                />
              ) : (
                <>
                  <p className="passkey-name">{passkey.name}</p>
                  <p className="hint">{kindOf(passkey)}</p>
                  <p className="hint">
                    Added <time dateTime={passkey.createdAt}>{day(passkey.createdAt)}</time>
                    {' · '}
                    {passkey.lastUsedAt ? (
                      <>
                        last used <time dateTime={passkey.lastUsedAt}>{day(passkey.lastUsedAt)}</time>
                      </>
                    ) : (
                      'never used yet'
                    )}
                  </p>
                  {editing?.id === passkey.id && editing.action === 'remove' ? (
                    <RemoveQuestion
                      passkey={passkey}
                      busy={remove.isPending}
                      onConfirm={() => remove.mutate(passkey)}
                      onCancel={cancelEditing}
                    />
                  ) : (
                    <div className="actions">
                      {EDIT_ACTIONS.map(({ action, label }) => (
                        <button
                          key={action}
                          type="button"
                          className="button small"
                          aria-label={`${label} “${passkey.name}”`}
                          onClick={() => {
                            setOutcome(null);
                            setEditing({ id: passkey.id, action });
                          }}
                        >
                          {label}
                        </button>
                      ))}
                    </div>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {passkeysSupported() ? (
        <form
          className="add-passkey"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate();
          }}
        >
          <Field
            label="Name for a new passkey"
            hint="So you can tell your passkeys apart: the device or password manager that will keep it."
            value={name}
            maxLength={100}
            autoComplete="off"
            onChange={(event) => setName(event.target.value)}
          />
          <div>
            <button type="submit" className="button primary" disabled={add.isPending}>
              {add.isPending ? 'Waiting for your passkey…' : 'Add a passkey'}
            </button>
          </div>
        </form>
      ) : (
        <p>This browser cannot make passkeys. Add one from a browser that can, such as a current Chrome, Edge, Firefox or Safari.</p>
      )}
    </section>
  );
}

function RenameForm(props: { passkey: PasskeyInfo; busy: boolean; onSave: (name: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(props.passkey.name);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  return (
    <form
      className="rename-passkey"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        props.onSave(value);
      }}
    >
      <Field
        ref={input}
        label={`New name for “${props.passkey.name}”`}
        value={value}
        maxLength={100}
        autoComplete="off"
        onChange={(event) => setValue(event.target.value)}
      />
      <div className="actions">
        <button type="submit" className="button primary small" disabled={props.busy || value.trim() === ''}>
          {props.busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button small" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RemoveQuestion(props: { passkey: PasskeyInfo; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    question.current?.focus();
  }, []);
  return (
    <div className="confirm-removal">
      <p ref={question} tabIndex={-1}>
        Remove “{props.passkey.name}”? It will no longer sign you in. The device or password manager may still offer it until you delete it
        there too.
      </p>
      <div className="actions">
        <button type="button" className="button danger small" disabled={props.busy} onClick={props.onConfirm}>
          {props.busy ? 'Removing…' : 'Remove it'}
        </button>
        <button type="button" className="button small" onClick={props.onCancel}>
          Keep it
        </button>
      </div>
    </div>
  );
}
