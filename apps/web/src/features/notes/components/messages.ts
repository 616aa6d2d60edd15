import { NOTE_LIMIT, NOTE_TEXT_MAX } from '../api/notes.ts';

/** The notes service's answers in this page's words; the rest are worded as every form words them. */
export const NOTE_MESSAGES = {
  network_error: 'The notes service cannot be reached. Try again in a moment.',
  service_unavailable: 'The notes service is briefly unavailable. Try again in a moment.',
};

/** note_limit, the service's own code. */
export const LIMIT_REACHED = `You have ${NOTE_LIMIT} notes, the most the notes service keeps. Delete one, then add this one.`;

/** validation_failed on the text: the one rule a note has, said on the field. */
export const TEXT_RULE = `A note is 1 to ${NOTE_TEXT_MAX} characters, not counting spaces at either end.`;
