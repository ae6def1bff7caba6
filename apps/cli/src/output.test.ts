import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import { checkOutDir, writeAtomically } from './output.js';

const root = mkdtempSync(join(tmpdir(), 'glassbox-output-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const OWN = ['a.txt', 'b.txt'];

async function usage(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CliError);
  expect((e as CliError).exitCode).toBe(2);
  expect((e as Error).message).toMatch(pattern);
}

describe('writeAtomically', () => {
  it('writes into a temporary sibling and renames it to --out', async () => {
    const out = join(root, 'fresh', 'nested', 'out');
    const seen: string[] = [];
    const r = await writeAtomically(out, OWN, async (tmp) => {
      seen.push(tmp);
      expect(tmp).not.toBe(out);
      expect(existsSync(out)).toBe(false);
      await writeFile(join(tmp, 'a.txt'), 'A');
      await writeFile(join(tmp, 'b.txt'), 'B');
    });
    expect(r.files).toEqual(['a.txt', 'b.txt']);
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('A');
    expect(existsSync(seen[0]!)).toBe(false);
    expect(readdirSync(join(root, 'fresh', 'nested'))).toEqual(['out']);
  });

  it('leaves nothing behind when writing fails, not even the parent folders it made', async () => {
    const parent = join(root, 'failing');
    const out = join(parent, 'deep', 'out');
    await expect(
      writeAtomically(out, OWN, async (tmp) => {
        await writeFile(join(tmp, 'a.txt'), 'half');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(parent)).toBe(false);
  });

  it("replaces a previous run's output as a whole, keeps it on failure", async () => {
    const out = join(root, 'again');
    await writeAtomically(out, OWN, async (tmp) => writeFile(join(tmp, 'a.txt'), 'first'));
    await expect(writeAtomically(out, OWN, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('first');
    await writeAtomically(out, OWN, async (tmp) => writeFile(join(tmp, 'b.txt'), 'second'));
    expect(readdirSync(out)).toEqual(['b.txt']);
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses an --out that is a file or holds other files', async () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    await usage(checkOutDir(file, OWN), /exists and is not a folder/);
    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'keep.me'), 'x');
    await usage(writeAtomically(other, OWN, async () => undefined), /holds other files \(keep\.me\)/);
    expect(readdirSync(other)).toEqual(['keep.me']);
  });
});
