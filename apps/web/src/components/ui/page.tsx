import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A page with its h1 focused on arrival, so a screen reader announces where a navigation led and
 * keyboard users start from the top of the new content.
 */
export function Page(props: { title: string; children: ReactNode; headingAction?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · spa-auth`;
    heading.current?.focus();
  }, [props.title]);
  return (
    <main id="main" className="page">
      <div className="page-heading">
        <h1 ref={heading} tabIndex={-1}>
          {props.title}
        </h1>
        {props.headingAction}
      </div>
      {props.children}
    </main>
  );
}
