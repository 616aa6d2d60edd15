import { NotesPage } from '../../features/notes/components/notes-page.tsx';
import { useServices } from '../../lib/services.tsx';
import { NotFoundRoute } from './not-found.tsx';

export function NotesRoute() {
  // The router has no /notes without VITE_NOTES_URL; the check only narrows the type.
  const { notesUrl } = useServices().config;
  return notesUrl ? <NotesPage notesUrl={notesUrl} /> : <NotFoundRoute />;
}
