#!/usr/bin/env node
// The glassbox command. Everything happens in main(); this file only passes the arguments and the exit code.
import { main } from './program.js';

// A closed pipe (e.g. `glassbox explain --help | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
