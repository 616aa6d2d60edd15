import { type FormEvent, useLayoutEffect, useRef, useState } from 'react';
import { type FormProblem, toFormProblem } from './problem.ts';

/**
 * A form's submit and problem state: `handleSubmit(action)` runs the action once per submit, and
 * after a failure moves focus to the first thing wrong (the first field with an error, else the
 * form's alert).
 */
export function useForm(fieldOrder: readonly string[], messages?: Partial<Record<string, string>>) {
  const [problem, setProblem] = useState<FormProblem>({ form: null, fields: {} });
  const [failures, setFailures] = useState(0);
  const [busy, setBusy] = useState(false);
  const fields = useRef<Record<string, HTMLInputElement | null>>({});
  const alert = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    if (failures === 0) return;
    const first = fieldOrder.find((name) => problem.fields[name]);
    (first ? fields.current[first] : alert.current)?.focus();
  }, [failures, fieldOrder, problem]);

  return {
    problem,
    alertRef: alert,
    /** Spread on a Field: its ref (for focus), its name and its error. */
    field: (name: string) => ({
      name,
      error: problem.fields[name],
      ref: (element: HTMLInputElement | null) => {
        fields.current[name] = element;
      },
    }),
    busy,
    handleSubmit: (action: () => Promise<void>) => async (event: FormEvent) => {
      event.preventDefault();
      setBusy(true);
      setProblem({ form: null, fields: {} });
      try {
        await action();
      } catch (error) {
        setProblem(toFormProblem(error, messages));
        setFailures((n) => n + 1);
      } finally {
        setBusy(false);
      }
    },
  };
}
