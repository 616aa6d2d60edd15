import { forwardRef, type ReactNode } from 'react';

/** A form-level message. role=alert announces it; tabIndex lets the form move focus to it. */
export const Alert = forwardRef<HTMLDivElement, { tone: 'error' | 'success'; children: ReactNode }>(function Alert(
  { tone, children },
  ref,
) {
  return (
    <div ref={ref} className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'} tabIndex={-1}>
      {children}
    </div>
  );
});
