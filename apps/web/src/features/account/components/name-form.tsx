import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Field } from '../../../components/ui/field.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { meQuery } from '../../../lib/me.ts';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { updateName } from '../api/update-account.ts';

const FIELDS = ['name'] as const;

export function NameForm() {
  const client = useClient();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery(client));
  const [name, setName] = useState('');
  const [saved, setSaved] = useState(false);
  const { problem, alertRef, field, busy, handleSubmit } = useForm(FIELDS);
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
      <FormStatus ref={alertRef} error={problem.form} success={saved ? 'Your name was saved.' : null} />
      <Field {...field('name')} label="Name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
      <button type="submit" className="button primary" disabled={busy}>
        Save name
      </button>
    </form>
  );
}
