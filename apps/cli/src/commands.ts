import type { AdminUser, AdminUsersResponse, MeResponse, SessionsResponse } from '@spa-auth/contract';
import type { ApiClient } from './api-client.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { formatFields, formatJson, formatTable, formatTime, yesNo } from './output.ts';

export type CommandContext = {
  api: ApiClient;
  /** Print the API's JSON (for scripts) instead of text for people. */
  json: boolean;
  /** The command's result: stdout. */
  write: (text: string) => void;
  /** Remarks beside the result (more pages exist): stderr, so they never mix into piped output. */
  note: (text: string) => void;
};

/** The body as the documented object with `key`, or a CliError: a wrong --api-url often answers 200 with something else. */
function expectMember<T>(body: unknown, key: string, isValid: (value: unknown) => boolean): T {
  if (typeof body !== 'object' || body === null || !isValid((body as Record<string, unknown>)[key])) {
    throw new CliError(EXIT.failed, `the API's answer has no ${key}: is the API URL right?`);
  }
  return body as T;
}

const isObject = (value: unknown) => typeof value === 'object' && value !== null;

export async function showMe(ctx: CommandContext): Promise<void> {
  const body = expectMember<MeResponse>(await ctx.api.request('GET', '/api/me'), 'user', isObject);
  if (ctx.json) return ctx.write(formatJson(body));
  const { user } = body;
  ctx.write(
    formatFields([
      ['Name', user.name],
      ['Email', user.email],
      ['Verified', yesNo(user.emailVerified)],
      ['Role', user.role],
      ['ID', user.id],
    ]),
  );
}

export async function listSessions(ctx: CommandContext): Promise<void> {
  const body = expectMember<SessionsResponse>(await ctx.api.request('GET', '/api/sessions'), 'sessions', Array.isArray);
  if (ctx.json) return ctx.write(formatJson(body));
  if (body.sessions.length === 0) return ctx.write('No sessions.\n');
  const rows = body.sessions.map((session) => [
    session.id,
    formatTime(session.createdAt),
    formatTime(session.lastUsedAt),
    session.current ? 'yes' : '',
    session.userAgent ?? '-',
  ]);
  ctx.write(formatTable(['ID', 'SIGNED IN', 'LAST USED', 'CURRENT', 'DEVICE'], rows));
}

export async function revokeSession(ctx: CommandContext, id: string): Promise<void> {
  try {
    await ctx.api.request('DELETE', `/api/sessions/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error instanceof CliError && error.exitCode === EXIT.notFound) {
      throw new CliError(EXIT.notFound, `you have no session ${id} (it has ended already, or the ID is wrong)`);
    }
    throw error;
  }
  // 204 has no body: with --json the exit status is the answer, and stdout stays empty.
  if (!ctx.json) ctx.write(`Signed out session ${id}.\n`);
}

export async function listUsers(ctx: CommandContext, options: { search: string | undefined; all: boolean }): Promise<void> {
  const users: AdminUser[] = [];
  let after: string | undefined;
  let page: AdminUsersResponse;
  const seenCursors = new Set<string>();
  do {
    page = expectMember<AdminUsersResponse>(
      await ctx.api.request('GET', '/api/admin/users', { search: options.search, after }),
      'users',
      Array.isArray,
    );
    users.push(...page.users);
    after = page.nextCursor ?? undefined;
    // A cursor seen before would loop for ever: the API's paging is broken, not the list endless.
    if (after !== undefined && seenCursors.has(after)) throw new CliError(EXIT.failed, 'the API returned the same page cursor twice');
    if (after !== undefined) seenCursors.add(after);
  } while (options.all && after !== undefined);

  if (ctx.json) return ctx.write(formatJson(options.all ? { users, nextCursor: null } : page));
  if (users.length === 0) ctx.write(options.search ? 'No users match.\n' : 'No users.\n');
  else {
    const rows = users.map((user) => [
      user.id,
      user.email,
      user.name,
      user.role,
      yesNo(user.emailVerified),
      user.disabled ? 'yes' : '',
      formatTime(user.createdAt),
    ]);
    ctx.write(formatTable(['ID', 'EMAIL', 'NAME', 'ROLE', 'VERIFIED', 'DISABLED', 'CREATED'], rows));
  }
  if (!options.all && page.nextCursor) ctx.note(`showing the first ${users.length} users; add --all for every page`);
}
