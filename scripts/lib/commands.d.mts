// Types of commands.mjs for the TypeScript files that import it (its tests); the .mjs stays plain
// JavaScript because the root scripts run before anything could compile them.
import type { ChildProcess, SpawnOptions, SpawnSyncOptions, SpawnSyncReturns } from 'node:child_process';

export const DEPLOY_PROJECTS: string[];
export const TEST_PROJECTS: readonly string[];
export function toolInvocation(
  tool: string,
  args: string[],
  options?: SpawnOptions,
): { command: string; args: string[]; options: SpawnOptions };
export function spawnTool(tool: string, args: string[], options?: SpawnOptions): ChildProcess;
export function spawnToolSync(tool: string, args: string[], options?: SpawnSyncOptions): SpawnSyncReturns<Buffer | string>;
export function vitestArgs(mode: 'deploy' | 'all', jsonReportFile: string | undefined): string[];
