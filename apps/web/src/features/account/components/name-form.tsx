import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { NameField } from '../../../components/ui/account-fields.tsx';
import { FormStatus } from '../../../components/ui/form-status.tsx';
import { meQuery } from '../../../lib/me.ts';
import { useClient } from '../../../lib/services.tsx';
import { useForm } from '../../../lib/use-form.ts';
import { updateName } from '../api/update-account.ts';

export function NameForm() {
  const client = useClient();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery(client));
  const form = useForm({ name: '' });
  const { setValues } = form;
  useEffect(() => {
    if (me.data) setValues({ name: me.data.name });
  }, [me.data, setValues]);

  const submit = form.handleSubmit(async ({ name }) => {
    queryClient.setQueryData(meQuery(client).queryKey, await updateName(client, name));
    return 'Your name was saved.';
  });

  return (
    <form onSubmit={submit} noValidate aria-labelledby="name-heading" className="card">
      <h2 id="name-heading">Name</h2>
      <FormStatus {...form.status} />
      <NameField {...form.field('name')} />
      <button type="submit" className="button primary" disabled={form.busy}>
        Save name
      </button>
    </form>
  );
}
