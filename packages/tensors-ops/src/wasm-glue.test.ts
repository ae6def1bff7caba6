// The WASM backend's Node glue must not take over the host's process: after the backend starts, the program's
// own 'unhandledRejection' / 'uncaughtException' handlers decide. Each case runs in a fresh Node process (the
// listeners are process-wide) that imports the BUILT package (dist/), as a user's program would.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isWasmGlueListener } from './wasm-glue.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const built = new URL('../dist/index.js', import.meta.url).href;

/** Runs an ES module program with Node in the package folder; returns its exit code and output. */
function runProgram(source: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: packageDir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ownHandlers = `
  process.on('unhandledRejection', (reason) => console.log('handled rejection: ' + reason.message));
  process.on('uncaughtException', (error) => console.log('handled exception: ' + error.message));
`;
const misbehave = `
  Promise.reject(new Error('nobody awaits me'));
  setTimeout(() => { throw new Error('thrown in a timer'); }, 0);
  setTimeout(() => console.log('still running'), 20);
`;

describe('the WASM backend glue in Node', () => {
  it('control: without tensors-ops, starting tfjs-backend-wasm makes a handled rejection end the process (exit 7)', () => {
    // If this control ever fails, tfjs-backend-wasm stopped installing its listeners and wasm-glue.ts can go.
    const r = runProgram(`
      ${ownHandlers}
      const tf = await import('@tensorflow/tfjs-core');
      await import('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start');
      ${misbehave}
    `);
    expect(r.status).toBe(7);
    expect(r.stdout).not.toMatch(/still running/);
  });

  it("after initBackend(), the program's own handlers decide: it keeps running and exits 0", () => {
    const r = runProgram(`
      ${ownHandlers}
      const { initBackend, tf } = await import(${JSON.stringify(built)});
      const info = await initBackend({ fallback: false });
      console.log('backend ' + info.backend + ', listeners ' + process.listenerCount('unhandledRejection') + ' ' + process.listenerCount('uncaughtException'));
      ${misbehave}
    `);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual([
      'backend wasm, listeners 1 1',
      'handled rejection: nobody awaits me',
      'handled exception: thrown in a timer',
      'still running',
    ]);
  });

  it('also when the program starts the backend with tf.setBackend("wasm") itself', () => {
    const r = runProgram(`
      ${ownHandlers}
      const { tf } = await import(${JSON.stringify(built)});
      if (!(await tf.setBackend('wasm'))) throw new Error('wasm did not start');
      ${misbehave}
    `);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/handled rejection: nobody awaits me\nhandled exception: thrown in a timer\nstill running/);
  });

  it("without handlers of its own, a program gets Node's default behaviour (not the glue's exit code 7)", () => {
    const r = runProgram(`
      const { initBackend } = await import(${JSON.stringify(built)});
      await initBackend({ fallback: false });
      Promise.reject(new Error('nobody awaits me'));
    `);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nobody awaits me/);
  });

  it('recognises the glue listeners (as generated, as minified, as arrows) and nothing else', () => {
    const glueRejection = [
      'function (reason) { throw reason; }',
      'function(e){throw e}',
      '(reason) => { throw reason; }',
      'e=>{throw e}',
    ];
    const glueException = [
      'function (ex) { if (!(ex instanceof ExitStatus)) {\n throw ex;\n } }',
      'function(e){if(!(e instanceof Q))throw e}',
    ];
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const make = (source: string): unknown => new Function(`return (${source});`)();
    for (const s of glueRejection) expect(isWasmGlueListener('unhandledRejection', make(s)), s).toBe(true);
    for (const s of glueException) expect(isWasmGlueListener('uncaughtException', make(s)), s).toBe(true);
    const others = [
      '(reason) => console.error(reason)',
      'function (reason) { log(reason); throw reason; }',
      'function (a) { throw b; }',
      '(e) => { process.exitCode = 1; }',
    ];
    for (const s of others) {
      expect(isWasmGlueListener('unhandledRejection', make(s)), s).toBe(false);
      expect(isWasmGlueListener('uncaughtException', make(s)), s).toBe(false);
    }
    expect(isWasmGlueListener('unhandledRejection', 'not a function')).toBe(false);
  });
});
