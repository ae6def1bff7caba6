/**
 * The two recipes for running explain-dataset past one process, run the way their users run them:
 *
 * - deploy/k8s/explain-dataset-job.yaml (a Kubernetes Indexed Job). No cluster here, so the test reads the spec
 *   with a YAML parser, checks the parts Kubernetes relies on (batch/v1 Job, completionMode Indexed, completions
 *   == parallelism == the shard count of the command, restartPolicy Never, a volume mounted at the root of
 *   --out) and then does what the kubelet does for each pod: `sh -c <args[0]>` with JOB_COMPLETION_INDEX=i, in
 *   the container's working directory (here: the repository root, which is what the image holds there). Only
 *   three things of the command are changed, and the test checks nothing else is: the mounted path (/runs -> a
 *   folder under tmp/), --data narrowed to the first 256 test images and --steps to 2. 256 images are 16 chunks
 *   of the default chunk size, so each of the 16 pods explains one chunk (a smaller slice would leave most pods
 *   with an empty share). All 16 indices run, 2 at a time (about 1 s per pod); the last index runs after a first
 *   merge, which is refused while it is missing, as when a pod is still being retried. The merge command of the
 *   spec's header comment then gives the summary of a 1-shard run of the same slice (apart from shards/timing).
 * - scripts/explain-dataset-local.sh (one machine, parallel processes): 2 shards of 16 images, exit 0 and the
 *   summary of 1 shard; a re-run is a no-op; a failing shard ends the script with its exit code and no merge.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(app, '..', '..');
const bin = join(app, 'dist', 'bin.js');
mkdirSync(join(app, 'tmp'), { recursive: true });
const work = mkdtempSync(join(app, 'tmp', 'recipes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with this Node first on PATH (the recipes call `node`) and the CLI's default backend. */
function run(file: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, GLASSBOX_BACKEND: '', FORCE_COLOR: '0', ...extraEnv };
  return new Promise((done) => {
    execFile(file, args, { cwd: repo, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1;
      done({ code, stdout, stderr });
    });
  });
}

const glassbox = (args: string[]) => run(process.execPath, [bin, ...args]);

function summary(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
}

/** A summary without the fields that differ between shard counts and runs (as explain-dataset.test.ts compares). */
const strip = (s: Record<string, unknown>) => JSON.stringify({ ...s, shards: undefined, timing: undefined });

/** The words of a shell command line: quoted strings kept whole, with their quotes. */
const words = (line: string): string[] => line.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];

/** Replaces the value after `flag` (which must occur once) and returns the new line. */
function substitute(line: string, flag: string, value: (old: string) => string): string {
  const w = words(line);
  const at = w.flatMap((x, i) => (x === flag ? [i] : []));
  expect(at, `${flag} once in the job's command`).toHaveLength(1);
  const old = w[at[0]! + 1]!;
  return line.replace(new RegExp(`(^|\\s)${flag}\\s+${old.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')}(?=\\s|$)`), `$1${flag} ${value(old)}`);
}

/** A path for a shell command line (single-quoted when it holds anything but plain path characters). */
const shellPath = (p: string) => (/^[\w/.:-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`);

describe('deploy/k8s/explain-dataset-job.yaml', () => {
  it('is an Indexed Job whose pods, run as the kubelet runs them, write the shards of one run; their merge equals 1 shard', async () => {
    const text = readFileSync(join(repo, 'deploy', 'k8s', 'explain-dataset-job.yaml'), 'utf8');
    const job = parse(text) as {
      apiVersion: string;
      kind: string;
      spec: {
        completionMode: string;
        completions: number;
        parallelism: number;
        backoffLimitPerIndex?: number;
        podFailurePolicy?: { rules: { action: string; onExitCodes?: { containerName?: string; operator: string; values: number[] } }[] };
        template: { spec: { restartPolicy: string; containers: { name: string; workingDir: string; command: string[]; args: string[]; volumeMounts: { name: string; mountPath: string }[] }[]; volumes: { name: string }[] } };
      };
    };
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never'); // required by backoffLimitPerIndex and podFailurePolicy
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0]!;
    expect(c.command).toEqual(['sh', '-c']);
    expect(c.args).toHaveLength(1);
    const line = c.args[0]!;
    expect(line).not.toMatch(/\n/); // a folded scalar: one command line

    // The completion index selects the shard, and every shard of the count has its pod.
    const shardArg = /--shard "\$\{JOB_COMPLETION_INDEX\}\/(\d+)"/.exec(line);
    expect(shardArg, line).not.toBeNull();
    const n = Number(shardArg![1]);
    expect(job.spec.completions).toBe(n);
    expect(job.spec.parallelism).toBe(n);
    expect(text).toMatch(new RegExp(`pod i runs shard i/${n}\\b`)); // the header comment says the same count

    // Bad input (exit code 2, checked below) fails its index without retries.
    const failIndex = job.spec.podFailurePolicy?.rules.find((r) => r.action === 'FailIndex');
    expect(failIndex?.onExitCodes).toEqual({ containerName: c.name, operator: 'In', values: [2] });

    // --out lies on a volume of the pod: its root is a mount path of the container.
    const out = words(line)[words(line).indexOf('--out') + 1]!;
    const mount = c.volumeMounts.find((m) => out === m.mountPath || out.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
    expect(mount, `a volume mounted at the root of --out ${out}`).toBeDefined();
    expect(pod.volumes.map((v) => v.name)).toContain(mount!.name);

    // The pod's command here: the mount mapped to a temporary folder, a small slice, few steps; nothing else changes.
    const mounted = join(work, 'volume');
    const dataOld = words(line)[words(line).indexOf('--data') + 1]!;
    let local = substitute(line, '--out', (p) => shellPath(mounted + p.slice(mount!.mountPath.length)));
    local = substitute(local, '--data', (d) => `${/^(\w+:\w+)/.exec(d)![1]}:0-255`);
    local = substitute(local, '--steps', () => '2');
    const a = words(line);
    const b = words(local);
    expect(b).toHaveLength(a.length);
    const changed = a.flatMap((w, i) => (w === b[i] ? [] : [a[i - 1]]));
    expect(changed.sort()).toEqual(['--data', '--out', '--steps']);
    expect(dataOld).toMatch(/^digits:test/);
    expect(a[0]).toBe('node');
    expect(existsSync(join(repo, a[1]!))).toBe(true); // the CLI, relative to the working directory (the checkout)
    expect(c.workingDir).toBe('/glassbox');
    expect(text).toMatch(/checkout of this repository at \/glassbox/);

    const pods = (i: number) => run('sh', ['-c', local], { JOB_COMPLETION_INDEX: String(i) });
    const results: Run[] = [];
    for (let i = 0; i < n - 1; i += 2) results.push(...(await Promise.all([i, i + 1].filter((j) => j < n - 1).map(pods))));
    for (const [i, r] of results.entries()) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^shard ${i}/${n}: explained 16 examples \\(rows ${16 * i}-${16 * i + 15}\\)`));
    }

    // The merge line of the spec's comment, with `glassbox` the built CLI and the mount mapped.
    const merge = /^#\s+glassbox merge (\S+) --out (\S+)\s*$/m.exec(text);
    expect(merge).not.toBeNull();
    const runDir = mounted + merge![1]!.slice(mount!.mountPath.length);
    const sumDir = mounted + merge![2]!.slice(mount!.mountPath.length);
    expect(resolve(runDir)).toBe(resolve(mounted + out.slice(mount!.mountPath.length)));
    const early = await glassbox(['merge', runDir, '--out', sumDir]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(new RegExp(`lacks shard ${n - 1} of ${n}`));
    expect(existsSync(sumDir)).toBe(false);

    // The last pod, and a retried pod of a finished index: a no-op.
    const last = await pods(n - 1);
    expect(last.code, last.stderr).toBe(0);
    const manifest0 = readFileSync(join(runDir, `shard-0000-of-${String(n).padStart(4, '0')}.json`), 'utf8');
    const retry = await pods(0);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toMatch(new RegExp(`shard 0/${n} already complete .*nothing to do`));
    expect(readFileSync(join(runDir, `shard-0000-of-${String(n).padStart(4, '0')}.json`), 'utf8')).toBe(manifest0);
    expect(readdirSync(runDir).filter((f) => f.endsWith('.json'))).toHaveLength(n);

    // An index past the count (as a wrong completions would give) is bad input: exit 2, the FailIndex code.
    const past = await pods(n);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/index must be below the count/);

    const merged = await glassbox(['merge', runDir, '--out', sumDir]);
    expect(merged.code, merged.stderr).toBe(0);

    // One process over the same slice, with the same options.
    const oneLine = local.replace(/--shard "\$\{JOB_COMPLETION_INDEX\}\/\d+"/, '--shard 0/1').replace(shellPath(runDir), shellPath(join(work, 'one')));
    const one = await run('sh', ['-c', oneLine]);
    expect(one.code, one.stderr).toBe(0);
    expect((await glassbox(['merge', join(work, 'one'), '--out', join(work, 'one-summary')])).code).toBe(0);
    const sn = summary(sumDir);
    const s1 = summary(join(work, 'one-summary'));
    expect(strip(sn)).toBe(strip(s1));
    expect(sn.shards).toEqual({ count: n, merged: n, missing: [] });
    expect(s1.count).toBe(256);
    expect(sn.method).toBe('integrated-gradients');
    expect((sn.run as { options: unknown }).options).toEqual({ steps: 2 });
  }, 300_000);
});

describe('scripts/explain-dataset-local.sh', () => {
  const script = join(repo, 'scripts', 'explain-dataset-local.sh');
  const OPTIONS = ['--model', 'classifier', '--data', 'digits:test:0-15', '--method', 'ig', '--steps', '2', '--chunk-size', '8'];

  it('runs the shards as processes and merges them into the summary of 1 shard; a re-run is a no-op', async () => {
    const x = join(work, 'x');
    const r = await run('bash', [script, '2', x, ...OPTIONS]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/shard 0\/2: explained 8 examples \(rows 0-7\)/);
    expect(r.stdout).toMatch(/shard 1\/2: explained 8 examples \(rows 8-15\)/);
    const one = await glassbox(['explain-dataset', ...OPTIONS, '--out', join(work, 'x1'), '--no-progress']);
    expect(one.code, one.stderr).toBe(0);
    expect((await glassbox(['merge', join(work, 'x1'), '--out', join(work, 'x1-summary')])).code).toBe(0);
    const s2 = summary(`${x}-summary`);
    expect(strip(s2)).toBe(strip(summary(join(work, 'x1-summary'))));
    expect(s2.shards).toEqual({ count: 2, merged: 2, missing: [] });
    expect(s2.count).toBe(16);

    // Again, with a trailing slash on <out>: the shards are skipped, the summary is the same and lands beside the run.
    const before = readdirSync(x).map((f) => readFileSync(join(x, f), 'utf8'));
    const again = await run('bash', [script, '2', `${x}/`, ...OPTIONS]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/shard 0\/2 already complete .*nothing to do/);
    expect(again.stdout).toMatch(/shard 1\/2 already complete .*nothing to do/);
    expect(readdirSync(x).map((f) => readFileSync(join(x, f), 'utf8'))).toEqual(before);
    expect(existsSync(join(x, '-summary'))).toBe(false);
    expect(strip(summary(`${x}-summary`))).toBe(strip(s2));
  }, 120_000);

  it('stops with the exit code of a failed shard, without merging; refuses a bad shard count', async () => {
    const bad = join(work, 'bad');
    const r = await run('bash', [script, '2', bad, ...OPTIONS.map((o) => (o === '2' ? '0' : o))]); // --steps 0
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--steps/);
    expect(r.stderr).toMatch(/a shard failed \(exit 2\)/);
    expect(existsSync(`${bad}-summary`)).toBe(false);

    for (const n of ['0', 'x', '-1']) {
      const u = await run('bash', [script, n, bad, ...OPTIONS]);
      expect(u.code).toBe(2);
      expect(u.stderr).toMatch(/^usage: .*<shards> <out>/);
    }
    expect(existsSync(bad)).toBe(false);
    expect(existsSync(`${bad}-summary`)).toBe(false);
  }, 60_000);
});
