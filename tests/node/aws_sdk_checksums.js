// The AWS SDK for JavaScript v3 against an S3 endpoint: a stream body (sent aws-chunked with a
// trailing CRC32), a buffer body per ChecksumAlgorithm, a multipart upload through lib-storage
// with CRC32 part checksums; each read back with ChecksumMode ENABLED and compared. Prints one
// JSON object: what was sent and what came back. Exits non-zero on the first mismatch.
// Usage: node aws_sdk_checksums.js ENDPOINT BUCKET ACCESS_KEY SECRET_KEY

"use strict";

const crypto = require("node:crypto");
const { Readable } = require("node:stream");
const { PutObjectCommand, GetObjectCommand, HeadObjectCommand } =
  require("@aws-sdk/client-s3");
const { recordingClient, check } = require("./recording_client");
const { Upload } = require("@aws-sdk/lib-storage");

const [endpoint, bucket, accessKeyId, secretAccessKey] = process.argv.slice(2);
const { client, lastSent: sentHeaders } = recordingClient(endpoint, accessKeyId, secretAccessKey);

async function readBack(key, expected) {
  const got = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
  const body = Buffer.from(await got.Body.transformToByteArray());
  check(body.equals(expected), `${key}: the body read back differs`);
  return got;
}

async function main() {
  const result = { objects: [] };

  // A stream body: the SDK frames it aws-chunked with a trailing CRC32.
  const streamed = crypto.randomBytes(300 * 1024 + 5);
  await client.send(new PutObjectCommand({
    Bucket: bucket, Key: "js/stream", ContentLength: streamed.length,
    Body: Readable.from([streamed.subarray(0, 100000), streamed.subarray(100000)]),
  }));
  result.stream_headers = {
    "content-encoding": sentHeaders()["content-encoding"],
    "x-amz-content-sha256": sentHeaders()["x-amz-content-sha256"],
    "x-amz-trailer": sentHeaders()["x-amz-trailer"],
  };
  const stream = await readBack("js/stream", streamed);
  check(stream.ChecksumCRC32, "js/stream: no CRC32 returned with ChecksumMode ENABLED");
  result.objects.push({ key: "js/stream", size: streamed.length, crc32: stream.ChecksumCRC32 });

  // A buffer body with each algorithm: the value goes in a header.
  for (const algorithm of ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]) {
    const key = `js/buffer-${algorithm}`;
    const data = crypto.randomBytes(70000);
    const put = await client.send(new PutObjectCommand({
      Bucket: bucket, Key: key, Body: data, ChecksumAlgorithm: algorithm,
    }));
    const sent = put[`Checksum${algorithm}`];
    const got = await readBack(key, data);
    check(sent && got[`Checksum${algorithm}`] === sent,
      `${key}: returned ${got[`Checksum${algorithm}`]}, sent ${sent}`);
    result.objects.push({ key, size: data.length, checksum: sent });
  }

  // lib-storage: a multipart upload (3 parts) of a stream, each part with its CRC32.
  const large = crypto.randomBytes(11 * 1024 * 1024);
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: "js/multipart", Body: Readable.from([large]),
              ChecksumAlgorithm: "CRC32" },
    partSize: 5 * 1024 * 1024,
    queueSize: 2,
  });
  await upload.done();
  const head = await client.send(
    new HeadObjectCommand({ Bucket: bucket, Key: "js/multipart", ChecksumMode: "ENABLED" }));
  await readBack("js/multipart", large);
  check(/-3$/.test(head.ChecksumCRC32 || ""), `js/multipart: CRC32 ${head.ChecksumCRC32}`);
  result.multipart = { key: "js/multipart", size: large.length, crc32: head.ChecksumCRC32,
                       type: head.ChecksumType };
  console.log(JSON.stringify(result));
}

main().catch((error) => {
  console.error(`aws_sdk_checksums: ${error.name}: ${error.message}`);
  process.exit(1);
});
