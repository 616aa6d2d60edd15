/**
 * A message for the login page from the page that sent the user there ("Your account was deleted."),
 * carried in the navigation's state: not in the address, so a reload or a shared link never shows it.
 */
export type LoginNotice = { notice: string };

export const loginNotice = (notice: string): LoginNotice => ({ notice });

/** The notice in a location's state, or null: the state may be anything another page put there. */
export function noticeOf(state: unknown): string | null {
  const notice = (state as Partial<LoginNotice> | null)?.notice;
  return typeof notice === 'string' ? notice : null;
}
