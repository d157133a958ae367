#!/usr/bin/env node
// Starts s3rver (a third-party S3 emulator) on loopback and forwards the bucket events it emits
// in-process to a webhook, the way MinIO's webhook target would. Prints "READY <port>" once it
// answers. Optional fault injection makes the event counts of a run exactly predictable:
//   --drop-every N  forward no event whose ordinal is a multiple of N
//   --dup-every M   forward every M-th event twice
//   --sqs QUEUE_URL --sqs-port PORT  send each event to an SQS queue (JSON protocol, on
//                   127.0.0.1:PORT) instead of a webhook, as S3's queue notifications do
// Ends on SIGTERM/SIGINT, printing "FORWARDED n DROPPED d DUPLICATED u" to stderr.
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const S3rver = require('s3rver');

function parseArgs(argv) {
  const args = {port: 0, webhook: null, dropEvery: 0, dupEvery: 0, dir: null, sqs: null,
                sqsPort: 0};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    if (flag === '--port') args.port = Number(value);
    else if (flag === '--webhook') args.webhook = new URL(value);
    else if (flag === '--drop-every') args.dropEvery = Number(value);
    else if (flag === '--dup-every') args.dupEvery = Number(value);
    else if (flag === '--dir') args.dir = value;
    else if (flag === '--sqs') args.sqs = value;
    else if (flag === '--sqs-port') args.sqsPort = Number(value);
    else throw new Error(`unknown flag ${flag}`);
  }
  if (args.webhook && !['127.0.0.1', 'localhost', '[::1]'].includes(args.webhook.hostname)) {
    throw new Error('--webhook must be a loopback address');
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const dir = args.dir || fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
const agent = new http.Agent({keepAlive: true, maxSockets: 16});
const counts = {seen: 0, forwarded: 0, dropped: 0, duplicated: 0, failed: 0};

function post(body) {
  let url = args.webhook;
  let headers = {'content-type': 'application/json'};
  if (args.sqs) {
    url = new URL(`http://127.0.0.1:${args.sqsPort}/`);
    body = JSON.stringify({QueueUrl: args.sqs, MessageBody: body});
    headers = {'content-type': 'application/x-amz-json-1.0',
               'x-amz-target': 'AmazonSQS.SendMessage'};
  }
  headers['content-length'] = Buffer.byteLength(body);
  return new Promise(resolve => {
    const req = http.request(url, {method: 'POST', agent, headers}, res => {
      if (res.statusCode !== 200) counts.failed++;
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => { counts.failed++; resolve(); });
    req.end(body);
  });
}

const server = new S3rver({port: args.port, address: '127.0.0.1', silent: true, directory: dir});
server.on('event', event => {
  if (!args.webhook && !args.sqs) return;
  counts.seen++;
  if (args.dropEvery && counts.seen % args.dropEvery === 0) { counts.dropped++; return; }
  const body = JSON.stringify(event);
  const copies = args.dupEvery && counts.seen % args.dupEvery === 0 ? 2 : 1;
  if (copies === 2) counts.duplicated++;
  for (let i = 0; i < copies; i++) { counts.forwarded++; post(body); }
});

server.run().then(address => {
  process.stdout.write(`READY ${address.port}\n`);
});

function stop() {
  process.stderr.write(
      `FORWARDED ${counts.forwarded} DROPPED ${counts.dropped} DUPLICATED ${counts.duplicated}` +
      ` FAILED ${counts.failed}\n`);
  server.close(() => {
    if (!args.dir) fs.rmSync(dir, {recursive: true, force: true});
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
