import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useLayoutEffect, useRef, useState } from 'react';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { toFormProblem } from '../../../lib/problem.ts';
import { useClient } from '../../../lib/services.tsx';
import { addNote, NOTE_TEXT_MAX, notesProblemCode, notesQuery } from '../api/notes.ts';
import { LIMIT_REACHED, NOTE_MESSAGES, TEXT_RULE } from './messages.ts';

type Problem = { field: string | null; form: string | null };

/**
 * A new note's text. The service trims it and holds it to 1 to 1000 characters; the form states the
 * rule and shows the service's verdict, so the two can never disagree. After a refusal the focus
 * goes to the field when the text is at fault, else to the form's alert.
 */
export function NoteForm(props: { notesUrl: string }) {
  const { notesUrl } = props;
  const client = useClient();
  const queryClient = useQueryClient();
  const id = useId();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<Problem>({ field: null, form: null });
  const [failures, setFailures] = useState(0);
  const field = useRef<HTMLTextAreaElement>(null);
  const alert = useRef<HTMLDivElement>(null);

  const add = useMutation({
    mutationFn: (value: string) => addNote(client, notesUrl, value),
    onMutate: () => setProblem({ field: null, form: null }),
    onSuccess: (note) => {
      setText('');
      const query = notesQuery(client, notesUrl);
      queryClient.setQueryData(query.queryKey, (notes) => (notes ? [note, ...notes] : notes));
      return queryClient.invalidateQueries({ queryKey: query.queryKey });
    },
    onError: (error) => {
      const code = notesProblemCode(error);
      if (code === 'validation_failed') setProblem({ field: TEXT_RULE, form: null });
      else setProblem({ field: null, form: code === 'note_limit' ? LIMIT_REACHED : toFormProblem(error, NOTE_MESSAGES).form });
      setFailures((n) => n + 1);
    },
  });

  useLayoutEffect(() => {
    if (failures > 0) (problem.field ? field.current : alert.current)?.focus();
  }, [failures, problem]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate(text);
  };

  const describedBy = [`${id}-hint`, problem.field ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${id}-heading`} className="card notes-form">
      <h2 id={`${id}-heading`}>Add a note</h2>
      <FormStatus ref={alert} error={problem.form} success={add.isSuccess ? 'Note added.' : null} />
      <div className="field">
        <label htmlFor={`${id}-text`}>Note</label>
        <p id={`${id}-hint`} className="hint">
          Up to {NOTE_TEXT_MAX} characters. Only you can see your notes.
        </p>
        <textarea
          ref={field}
          id={`${id}-text`}
          name="text"
          rows={3}
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-invalid={problem.field ? true : undefined}
          aria-describedby={describedBy}
          required
        />
        {problem.field ? (
          <p id={`${id}-error`} className="field-error">
            {problem.field}
          </p>
        ) : null}
      </div>
      <div>
        <button type="submit" className="button primary" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add note'}
        </button>
      </div>
    </form>
  );
}
