import { type ChangeEvent, type FormEvent, useCallback, useLayoutEffect, useRef, useState } from 'react';
import { type FormProblem, type ProblemMessages, toFormProblem } from './problem.ts';

/**
 * A form's values, submit and outcome. The keys of `initial` are its fields in screen order: after
 * a failure, focus moves to the first of them with an error, else to the form's alert.
 * `handleSubmit(action)` runs the action once per submit with the current values; what the action
 * returns is the success message, cleared again by the next submit. `messages` words an API
 * problem code the form's own way (the password form's invalid_credentials).
 */
export function useForm<Name extends string>(initial: Record<Name, string>, messages?: ProblemMessages) {
  const [values, setValues] = useState(initial);
  const [order] = useState(() => Object.keys(initial) as Name[]);
  const [problem, setProblem] = useState<FormProblem>({ form: null, fields: {} });
  const [success, setSuccess] = useState<string | null>(null);
  const [failures, setFailures] = useState(0);
  const [busy, setBusy] = useState(false);
  const fields = useRef<Partial<Record<Name, HTMLInputElement | null>>>({});
  const alert = useRef<HTMLDivElement>(null);
  // Stable, so an effect that fills the form from loaded data can depend on it.
  const setSome = useCallback((next: Partial<Record<Name, string>>) => setValues((current) => ({ ...current, ...next })), []);

  useLayoutEffect(() => {
    if (failures === 0) return;
    const first = order.find((name) => problem.fields[name]);
    (first ? fields.current[first] : alert.current)?.focus();
  }, [failures, order, problem]);

  return {
    values,
    /** Sets some of the values, as a demo-user button or data loaded from the API does. */
    setValues: setSome,
    /** Spread on a Field: its name, value, change handler, error, and ref (for focus). */
    field: (name: Name) => ({
      name,
      value: values[name],
      onChange: (event: ChangeEvent<HTMLInputElement>) => {
        const value = event.target.value;
        setValues((current) => ({ ...current, [name]: value }));
      },
      error: problem.fields[name],
      ref: (element: HTMLInputElement | null) => {
        fields.current[name] = element;
      },
    }),
    /** Spread on a FormStatus: the form's error (focused after a failure) or success message. */
    status: { ref: alert, error: problem.form, success },
    busy,
    handleSubmit: (action: (values: Record<Name, string>) => Promise<string | undefined>) => async (event: FormEvent) => {
      event.preventDefault();
      setBusy(true);
      setProblem({ form: null, fields: {} });
      setSuccess(null);
      try {
        setSuccess((await action(values)) ?? null);
      } catch (error) {
        setProblem(toFormProblem(error, messages));
        setFailures((n) => n + 1);
      } finally {
        setBusy(false);
      }
    },
  };
}
