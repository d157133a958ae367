// The S3 client the SDK tests drive the embedded target with: path-style, no retries (a failure
// must show), and a record of the headers of the last request as it went on the wire, after
// signing, so a test can say how the SDK sent a body.
"use strict";

const { S3Client } = require("@aws-sdk/client-s3");

function recordingClient(endpoint, accessKeyId, secretAccessKey) {
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  let lastSent = {};
  client.middlewareStack.add(
    (next) => async (args) => {
      lastSent = { ...args.request.headers };
      return next(args);
    },
    { step: "deserialize", name: "recordSentHeaders" },
  );
  return { client, lastSent: () => lastSent };
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

module.exports = { recordingClient, check };
