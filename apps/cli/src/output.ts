/**
 * Output folders that are never half-written: everything is written into a temporary sibling folder
 * (`.<name>.tmp-<pid>-<random>` next to --out) and renamed to --out at the end. On an error or an
 * interrupt (SIGINT, SIGTERM) the temporary folder is removed, and so are the parent folders this run created
 * (when empty); an existing --out is only replaced when it holds nothing but files this command writes, and
 * is put back if the run is interrupted while the new one moves in.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { RGBAImage } from '@glassbox/viz';
import { failure, usageError } from './errors.js';

/**
 * What a run has on disk that is not finished: temporary folders (removed on exit by the signal handlers),
 * each with the folder --out names and the topmost parent folder the run created for it (or null), which is
 * removed too when it is empty.
 */
const pending = new Map<string, { dir: string; createdParent: string | null; restore?: boolean }>();
let handlersInstalled = false;

/** Removes the pending folders and the empty parent folders their runs created (synchronously: runs on exit). */
function cleanupSync(): void {
  for (const [tmp, { dir, createdParent, restore }] of pending) {
    try {
      // A previous output moved aside goes back when the new one has not taken its place.
      if (restore === true && !existsSync(dir)) renameSync(tmp, dir);
      else rmSync(tmp, { recursive: true, force: true });
    } catch {
      // best effort
    }
    if (createdParent !== null) removeEmptyUpToSync(dirname(dir), createdParent);
  }
  pending.clear();
}

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const cleanup = (signal: NodeJS.Signals) => {
    cleanupSync();
    process.stderr.write(`\nglassbox: interrupted (${signal}); nothing was written\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', cleanup);
  process.once('SIGTERM', cleanup);
  process.once('exit', cleanupSync);
}

/**
 * Test hook: with GLASSBOX_TEST_HOLD_BEFORE_RENAME=1 in the environment, `writeAtomically` stops after the
 * files are written, before the final rename, prints one line naming the temporary folder on stderr and
 * waits (up to a minute), so that a test can interrupt the run at that moment.
 */
async function holdBeforeRename(tmp: string): Promise<void> {
  if (process.env.GLASSBOX_TEST_HOLD_BEFORE_RENAME !== '1') return;
  process.stderr.write(`glassbox: test hold before rename: ${tmp}\n`);
  await new Promise((done) => setTimeout(done, 60_000));
}

async function kindOf(path: string): Promise<'missing' | 'dir' | 'other'> {
  try {
    const s = await lstat(path);
    return s.isDirectory() ? 'dir' : 'other';
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return 'missing';
    throw failure(`cannot inspect ${path}: ${(e as Error).message}`, e);
  }
}

/**
 * Checks, before any work, that --out can be written: it is missing, or a folder that is empty or holds
 * only files named in `ownFiles` (a previous run's output, which is replaced as a whole).
 * @throws CliError (exit 2) otherwise.
 */
export async function checkOutDir(out: string, ownFiles: readonly string[]): Promise<string> {
  if (typeof out !== 'string' || out.trim() === '') throw usageError(`--out must name a folder`);
  const dir = resolve(out);
  const kind = await kindOf(dir);
  if (kind === 'other') throw usageError(`--out ${out} exists and is not a folder`);
  if (kind === 'dir') {
    const entries = await readdir(dir);
    const foreign = entries.filter((e) => !ownFiles.includes(e));
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', ...' : '');
      throw usageError(`--out ${out} exists and holds other files (${shown}); choose a new folder or remove it`);
    }
  }
  return dir;
}

/** The topmost missing ancestor of `dir` (the first folder `makeParents` will create), or null. */
function topMissingParent(dir: string): string | null {
  let top: string | null = null;
  let p = dirname(dir);
  while (!existsSync(p)) {
    top = p;
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return top;
}

/** Creates the missing ancestors of `dir`. */
async function makeParents(dir: string): Promise<void> {
  try {
    await mkdir(dirname(dir), { recursive: true });
  } catch (e) {
    throw failure(`cannot create ${dirname(dir)}: ${(e as Error).message}`, e);
  }
}

/**
 * Runs `write(tmpDir)` in a fresh temporary sibling of `out` and renames it to `out` when it succeeds.
 * On failure the temporary folder (and any parent folder made for it) is removed and the error rethrown;
 * `out` is left as it was.
 *
 * @param out the output folder (checked with `checkOutDir` first).
 * @param ownFiles the names this command writes (an existing `out` holding only these is replaced).
 * @param write fills the temporary folder.
 * @returns the absolute path of `out` and the names of the files written.
 */
export async function writeAtomically(out: string, ownFiles: readonly string[], write: (tmpDir: string) => Promise<void>): Promise<{ dir: string; files: string[] }> {
  const dir = await checkOutDir(out, ownFiles);
  installSignalHandlers();
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  // Registered before any folder is made, so that an interrupt at any point removes what exists.
  const entry = { dir, createdParent: topMissingParent(dir) };
  pending.set(tmp, entry);
  try {
    await makeParents(dir);
    await mkdir(tmp);
    await write(tmp);
    await holdBeforeRename(tmp);
    const files = (await readdir(tmp)).sort();
    const kind = await kindOf(dir);
    if (kind === 'missing') {
      await rename(tmp, dir);
    } else {
      // Replace a previous run's output: move it aside, move the new one in, drop the old one.
      await checkOutDir(out, ownFiles);
      const old = join(dirname(dir), `.${basename(dir)}.old-${process.pid}-${randomBytes(4).toString('hex')}`);
      pending.set(old, { dir, createdParent: null, restore: true });
      await rename(dir, old);
      try {
        await rename(tmp, dir);
      } catch (e) {
        await rename(old, dir);
        pending.delete(old);
        throw e;
      }
      await rm(old, { recursive: true, force: true });
      pending.delete(old);
    }
    pending.delete(tmp);
    return { dir, files };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    pending.delete(tmp);
    if (entry.createdParent !== null) await removeEmptyUpTo(dirname(dir), entry.createdParent);
    throw e;
  }
}

/** Removes empty folders from `from` up to and including `top`. */
async function removeEmptyUpTo(from: string, top: string): Promise<void> {
  let p = from;
  for (;;) {
    try {
      await rmdir(p);
    } catch {
      return;
    }
    if (p === top) return;
    const up = dirname(p);
    if (up === p) return;
    p = up;
  }
}

/** `removeEmptyUpTo`, synchronously (for the exit and signal handlers). */
function removeEmptyUpToSync(from: string, top: string): void {
  let p = from;
  for (;;) {
    try {
      rmdirSync(p);
    } catch {
      return;
    }
    if (p === top) return;
    const up = dirname(p);
    if (up === p) return;
    p = up;
  }
}

/** Writes a JSON file (2-space indented, trailing newline). */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(value, null, 2) + '\n');
}

/** Writes an RGBA image as a PNG file (via @glassbox/viz's toPNG). */
export async function writePng(path: string, image: RGBAImage): Promise<void> {
  const { toPNG } = await import('@glassbox/viz');
  await writeFile(path, toPNG(image));
}

/** True when `path` is an existing folder. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
