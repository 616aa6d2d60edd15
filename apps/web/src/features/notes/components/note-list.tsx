import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient } from '../../../lib/services.tsx';
import { deleteNote, NOTE_LIMIT, type Note, notesProblemCode, notesQuery } from '../api/notes.ts';
import { NOTE_MESSAGES } from './messages.ts';

const moment = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
/** Enough of a note to tell which one a button deletes. */
const excerpt = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** What became of a deletion: done, or the note was gone already (deleted in another tab). */
type Outcome = { kind: 'deleted' | 'gone' } | { kind: 'failed'; error: unknown };

/** The user's notes, newest first, each with its own Delete: several may be on their way at once. */
export function NoteList(props: { notesUrl: string }) {
  const { notesUrl } = props;
  const client = useClient();
  const notes = useQuery(notesQuery(client, notesUrl));
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [reports, setReports] = useState(0);
  const messageRef = useRef<HTMLDivElement>(null);

  // The row whose button had the focus is gone: the focus goes to the message that says so.
  useEffect(() => {
    if (reports > 0) messageRef.current?.focus();
  }, [reports]);
  const report = (next: Outcome) => {
    setOutcome(next);
    setReports((n) => n + 1);
  };

  return (
    <section aria-labelledby="notes-list-heading" className="notes-list">
      <h2 id="notes-list-heading">Your notes</h2>
      <div aria-live="polite">
        {outcome?.kind === 'failed' ? (
          <Alert ref={messageRef} tone="error">
            {toFormProblem(outcome.error, NOTE_MESSAGES).form}
          </Alert>
        ) : outcome ? (
          <Alert ref={messageRef} tone="success">
            {outcome.kind === 'deleted' ? 'Note deleted.' : 'That note was already deleted.'}
          </Alert>
        ) : null}
      </div>
      {notes.error ? <Alert tone="error">{toFormProblem(notes.error, NOTE_MESSAGES).form}</Alert> : null}
      {notes.isPending ? <p role="status">Loading notes…</p> : null}
      {notes.data?.length === 0 ? <p>No notes yet.</p> : null}
      {notes.data?.length ? (
        <>
          <p className="hint">
            {notes.data.length} of {NOTE_LIMIT} notes.
          </p>
          <ul aria-label="Notes, newest first" className="notes">
            {notes.data.map((note) => (
              <NoteItem key={note.id} note={note} notesUrl={notesUrl} onOutcome={report} />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function NoteItem(props: { note: Note; notesUrl: string; onOutcome: (outcome: Outcome) => void }) {
  const { note, notesUrl, onOutcome } = props;
  const client = useClient();
  const queryClient = useQueryClient();
  const query = notesQuery(client, notesUrl);

  // Options, not mutate()'s callbacks: these run although the row is gone by the time they do.
  const remove = useMutation({
    mutationFn: async (): Promise<'deleted' | 'gone'> => {
      try {
        await deleteNote(client, notesUrl, note.id);
        return 'deleted';
      } catch (error) {
        if (notesProblemCode(error) === 'not_found') return 'gone';
        throw error;
      }
    },
    onSuccess: (kind) => {
      queryClient.setQueryData(query.queryKey, (notes) => notes?.filter((n) => n.id !== note.id));
      onOutcome({ kind });
      return queryClient.invalidateQueries({ queryKey: query.queryKey });
    },
    onError: (error) => onOutcome({ kind: 'failed', error }),
  });

  return (
    <li className="card notes-item" aria-busy={remove.isPending || undefined}>
      <div>
        <p className="notes-text">{note.text}</p>
        <p className="meta">
          <time dateTime={note.createdAt}>{moment(note.createdAt)}</time>
        </p>
      </div>
      <button
        type="button"
        className="button small"
        disabled={remove.isPending}
        onClick={() => remove.mutate()}
        aria-label={`Delete the note “${excerpt(note.text)}”`}
      >
        {remove.isPending ? 'Deleting…' : 'Delete'}
      </button>
    </li>
  );
}
