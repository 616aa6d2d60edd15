import { Page } from '../../../components/ui/page.tsx';
import { NoteForm } from './note-form.tsx';
import { NoteList } from './note-list.tsx';
import './notes.css';

/**
 * The notes service's page: short notes of one's own, kept by another service than the API, which
 * accepts the same access token. `notesUrl` is the service, absolute (VITE_NOTES_URL).
 */
export function NotesPage(props: { notesUrl: string }) {
  return (
    <Page title="Notes">
      <p>
        Your notes are kept by the notes service, another service than the API that accepts the same access token: it checks the token with
        the API’s public keys and asks the API whether your session is still live. Sign out or revoke this session, and it refuses the token
        within seconds.
      </p>
      <NoteForm notesUrl={props.notesUrl} />
      <NoteList notesUrl={props.notesUrl} />
    </Page>
  );
}
