#!/usr/bin/env node
// Starts fauxqs (a third-party SQS emulator, JSON protocol only) on loopback only — its own CLI
// listens on every interface — and prints "READY <port>" once it answers. Queue URLs look like
// AWS's: http://sqs.us-east-1.127.0.0.1:<port>/000000000000/<name>. Ends on SIGTERM/SIGINT.
//   node sqs_fauxqs_harness.mjs [--port N]
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const appPath = path.join(here, '..', 'node', 'node_modules', 'fauxqs', 'dist', 'app.js');
const { buildApp } = await import(pathToFileURL(appPath).href);

let port = 0;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (argv[i] === '--port' && argv[i + 1] !== undefined) port = Number(argv[i + 1]);
  else throw new Error(`unknown flag ${argv[i]}`);
}

const app = buildApp({ logger: false, host: '127.0.0.1' });
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`READY ${app.server.address().port}\n`);

const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
