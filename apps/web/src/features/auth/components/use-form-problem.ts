import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { type FormProblem, toFormProblem } from '../../../lib/problem.ts';

/**
 * A form's problem state, and focus moved to the first thing wrong after a failed submit: the
 * first field with an error, else the form's alert.
 */
export function useFormProblem(fieldOrder: readonly string[]) {
  const [problem, setProblem] = useState<FormProblem>({ form: null, fields: {} });
  const [failures, setFailures] = useState(0);
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
    fieldRef: (name: string) => (element: HTMLInputElement | null) => {
      fields.current[name] = element;
    },
    fail: useCallback((error: unknown) => {
      setProblem(toFormProblem(error));
      setFailures((n) => n + 1);
    }, []),
    clear: useCallback(() => setProblem({ form: null, fields: {} }), []),
  };
}
