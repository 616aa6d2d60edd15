import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useClient } from '../../../app/provider.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { meQuery } from '../api/get-me.ts';
import { updateName } from '../api/update-account.ts';

const FIELDS = ['name'] as const;

export function NameForm() {
  const client = useClient();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery(client));
  const [name, setName] = useState('');
  const [saved, setSaved] = useState(false);
  const { problem, alertRef, fieldRef, busy, handleSubmit } = useForm(FIELDS);
  useEffect(() => {
    if (me.data) setName(me.data.name);
  }, [me.data]);

  const submit = handleSubmit(async () => {
    setSaved(false);
    queryClient.setQueryData(meQuery(client).queryKey, await updateName(client, name));
    setSaved(true);
  });

  return (
    <form onSubmit={submit} noValidate aria-labelledby="name-heading" className="card">
      <h2 id="name-heading">Name</h2>
      <div aria-live="polite">
        {problem.form ? (
          <Alert ref={alertRef} tone="error">
            {problem.form}
          </Alert>
        ) : null}
        {saved ? <Alert tone="success">Your name was saved.</Alert> : null}
      </div>
      <Field
        ref={fieldRef('name')}
        label="Name"
        name="name"
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={problem.fields.name}
      />
      <button type="submit" className="button primary" disabled={busy}>
        Save name
      </button>
    </form>
  );
}
