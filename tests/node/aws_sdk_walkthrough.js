// The seed walkthrough with the AWS SDK for JavaScript v3 and its defaults (no ChecksumAlgorithm
// given: the SDK adds CRC32 where it supports one): a stream PutObject (aws-chunked, trailing
// CRC32), CopyObject, GetObject and HeadObject with ChecksumMode ENABLED, ListObjectsV2,
// DeleteObject, a browser-form POST from createPresignedPost, a multipart upload part by part
// (stream parts, their CRC32s named in the Complete body), PutObjectTagging and DeleteObjects.
// Prints one JSON object: what each step sent and got back. Exits non-zero on the first mismatch;
// the Python side (tests/clients/test_aws_sdk_js.py) asserts the events.
// Usage: node aws_sdk_walkthrough.js ENDPOINT BUCKET ACCESS_KEY SECRET_KEY KEY COPY_KEY POST_KEY
//        MULTIPART_KEY

"use strict";

const { Readable } = require("node:stream");
const {
  PutObjectCommand, CopyObjectCommand, GetObjectCommand, HeadObjectCommand,
  ListObjectsV2Command, DeleteObjectCommand, CreateMultipartUploadCommand, UploadPartCommand,
  CompleteMultipartUploadCommand, PutObjectTaggingCommand, DeleteObjectsCommand,
} = require("@aws-sdk/client-s3");
const { recordingClient, check } = require("./recording_client");
const { createPresignedPost } = require("@aws-sdk/s3-presigned-post");

const [endpoint, bucket, accessKeyId, secretAccessKey, key, copyKey, postKey, multipartKey] =
  process.argv.slice(2);
const { client, lastSent: sentHeaders } = recordingClient(endpoint, accessKeyId, secretAccessKey);

function sentChecksum() {
  return {
    "content-encoding": sentHeaders()["content-encoding"],
    "x-amz-content-sha256": sentHeaders()["x-amz-content-sha256"],
    "x-amz-trailer": sentHeaders()["x-amz-trailer"],
    "x-amz-checksum-crc32": sentHeaders()["x-amz-checksum-crc32"],
    "x-amz-sdk-checksum-algorithm": sentHeaders()["x-amz-sdk-checksum-algorithm"],
  };
}

function pattern(size, seed) {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

async function readAll(key, extra = {}) {
  const got = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED", ...extra }));
  return { got, body: Buffer.from(await got.Body.transformToByteArray()) };
}

async function main() {
  const result = { sent: {} };
  const seed = Buffer.from("S3 events trigger demo file.\n");

  // PutObject of a stream: aws-chunked with the SDK's default trailing CRC32.
  const put = await client.send(new PutObjectCommand({
    Bucket: bucket, Key: key, ContentLength: seed.length, Body: Readable.from([seed]),
  }));
  result.sent.put = sentChecksum();
  result.put = { etag: put.ETag, crc32: put.ChecksumCRC32, size: seed.length };

  const copy = await client.send(new CopyObjectCommand({
    Bucket: bucket, Key: copyKey, CopySource: `${bucket}/${encodeURIComponent(key)}`,
  }));
  check(copy.CopyObjectResult.ETag === put.ETag, `copy ETag ${copy.CopyObjectResult.ETag}`);

  const { got, body } = await readAll(key);
  check(body.equals(seed), "GetObject: the body read back differs");
  check(got.ChecksumCRC32 === put.ChecksumCRC32,
    `GetObject: CRC32 ${got.ChecksumCRC32}, PutObject answered ${put.ChecksumCRC32}`);
  const head = await client.send(
    new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
  check(head.ContentLength === seed.length, `HeadObject: ContentLength ${head.ContentLength}`);
  check(head.ETag === put.ETag, `HeadObject: ETag ${head.ETag}`);
  result.head = { size: head.ContentLength, crc32: head.ChecksumCRC32, type: head.ChecksumType };

  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  result.listed = (listed.Contents || []).map((o) => [o.Key, o.Size]);

  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: copyKey }));

  // The seed's POST step, from the SDK's own presigned POST (SigV4 policy).
  const postBody = Buffer.from("posted through a browser form");
  const { url, fields } = await createPresignedPost(client, {
    Bucket: bucket, Key: postKey, Expires: 300,
    Conditions: [["content-length-range", 0, 1024]],
  });
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([postBody]), "post.txt");
  const posted = await fetch(url, { method: "POST", body: form });
  check(posted.status === 204, `POST: status ${posted.status}: ${await posted.text()}`);
  result.post = { size: postBody.length };

  // The seed's multipart upload, part by part: each part a stream, with the SDK's CRC32.
  const sizes = [5 * 1024 * 1024, 1234];
  const created = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: multipartKey }));
  const parts = [];
  const partBodies = [];
  for (const [index, size] of sizes.entries()) {
    const data = pattern(size, index);
    partBodies.push(data);
    const part = await client.send(new UploadPartCommand({
      Bucket: bucket, Key: multipartKey, UploadId: created.UploadId, PartNumber: index + 1,
      ContentLength: size, Body: Readable.from([data]),
    }));
    result.sent[`part${index + 1}`] = sentChecksum();
    check(part.ChecksumCRC32, `UploadPart ${index + 1}: no CRC32 in the answer`);
    parts.push({ PartNumber: index + 1, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 });
  }
  const done = await client.send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: multipartKey, UploadId: created.UploadId,
    MultipartUpload: { Parts: parts },
  }));
  check(/-2"$/.test(done.ETag), `CompleteMultipartUpload: ETag ${done.ETag}`);
  const whole = Buffer.concat(partBodies);
  const multipart = await readAll(multipartKey);
  check(multipart.body.equals(whole), "GetObject of the multipart object: the body differs");
  result.multipart = { etag: done.ETag, size: whole.length, crc32: done.ChecksumCRC32,
                       read_crc32: multipart.got.ChecksumCRC32 };

  await client.send(new PutObjectTaggingCommand({
    Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: "team", Value: "storm" }] },
  }));
  result.sent.tagging = sentChecksum();

  const deleted = await client.send(new DeleteObjectsCommand({
    Bucket: bucket,
    Delete: { Objects: [{ Key: key }, { Key: postKey }, { Key: multipartKey }] },
  }));
  result.sent.delete_objects = sentChecksum();
  result.deleted = (deleted.Deleted || []).map((d) => d.Key);
  check(!deleted.Errors, `DeleteObjects: ${JSON.stringify(deleted.Errors)}`);

  const after = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  result.left = (after.Contents || []).map((o) => o.Key);
  console.log(JSON.stringify(result));
}

main().catch((error) => {
  console.error(`aws_sdk_walkthrough: ${error.name}: ${error.message}`);
  process.exit(1);
});
