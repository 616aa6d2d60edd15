import { useEffect, useRef, useState } from 'react';

export type CopyState = 'idle' | 'copied' | 'failed';

/**
 * What a panel showing a secret once (a new API token, new recovery codes) does with it: focus
 * moves to its heading, the secret is copied to the clipboard or, where that is not possible,
 * selected for the user to copy, and downloaded as a file made only for that and dropped with
 * the panel.
 */
export function useSecretShownOnce() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  // Every object URL made for a download holds the secret until it is revoked: they go with the panel.
  const downloads = useRef<string[]>([]);

  useEffect(() => {
    heading.current?.focus();
    const made = downloads.current;
    return () => {
      for (const url of made) URL.revokeObjectURL(url);
    };
  }, []);

  /** Copies `text`; if the clipboard refuses, `selectInstead` puts it in the selection for the user. */
  const copySecret = async (text: string, selectInstead: () => void) => {
    try {
      // Absent outside a secure context (plain http on another host than localhost).
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setCopy('copied');
    } catch {
      setCopy('failed');
      selectInstead();
    }
  };

  const downloadSecret = (text: string, fileName: string) => {
    // An object URL, not a data: URL: browsers keep a download's address in their history, and a
    // data: URL would put the secret there.
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    downloads.current.push(url);
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
  };

  return { heading, copy, copySecret, downloadSecret };
}
