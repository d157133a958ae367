// events::parse_notification over the bodies real servers deliver, one benchmark per shape. The
// same file was run against the hand-written reader and the simdjson On-Demand one (issue 14); the
// numbers are in bench/RESULTS.md.
//
//   parser_bench [--benchmark_min_time=0.5]

#include <benchmark/benchmark.h>

#include <string>

#include "events/notification_parser.hpp"

namespace {

using s3storm::events::parse_notification;

// AWS, eventVersion 2.1 with every field a record carries (~700 bytes).
std::string aws_record(const std::string& key) {
  return R"({"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1",)"
         R"("eventTime":"2025-11-07T09:41:23.870Z","eventName":"ObjectCreated:Put",)"
         R"("userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},)"
         R"("requestParameters":{"sourceIPAddress":"127.0.0.1"},)"
         R"("responseElements":{"x-amz-request-id":"C3D13FE58DE4C810",)"
         R"("x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},)"
         R"("s3":{"s3SchemaVersion":"1.0","configurationId":"s3storm","bucket":{"name":"test-bucket",)"
         R"("ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::test-bucket"},)"
         R"("object":{"key":")" +
         key +
         R"(","size":4096,"eTag":"b72a05983f663132daaf4688bb919f80",)"
         R"("versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko","sequencer":"0055AED6DCD90281E5"}}})";
}

std::string aws_body() {
  return R"({"Records":[)" + aws_record("dir/obj-0-12345") + "]}";
}

std::string batch_body() {
  std::string body = R"({"Records":[)";
  for (int i = 0; i < 10; ++i) {
    if (i > 0) body += ',';
    body += aws_record("dir/obj-0-" + std::to_string(i));
  }
  return body + "]}";
}

// A key with the escapes JSON writers use: \u00e9, \/ and \".
std::string escaped_body() {
  return R"({"Records":[)" + aws_record(R"(caf\u00e9\/menu \"du jour\".txt)") + "]}";
}

// MinIO's webhook envelope, as MinIO RELEASE.2024 sends it.
std::string minio_body() {
  return R"({"EventName":"s3:ObjectCreated:Put","Key":"test-bucket/dir/obj-0-12345",)"
         R"("Records":[{"eventVersion":"2.0","eventSource":"minio:s3","awsRegion":"",)"
         R"("eventTime":"2025-11-07T09:41:23.870Z","eventName":"s3:ObjectCreated:Put",)"
         R"("userIdentity":{"principalId":"minioadmin"},"requestParameters":{"principalId":)"
         R"("minioadmin","region":"","sourceIPAddress":"127.0.0.1"},"responseElements":{)"
         R"("x-amz-id-2":"dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8",)"
         R"("x-amz-request-id":"1805B25A6E4B2E2F","x-minio-deployment-id":)"
         R"("2ad1ad1f-cbe2-4a07-a2a0-2c1b1d4c1f33","x-minio-origin-endpoint":"http://127.0.0.1:9000"},)"
         R"("s3":{"s3SchemaVersion":"1.0","configurationId":"Config","bucket":{"name":"test-bucket",)"
         R"("ownerIdentity":{"principalId":"minioadmin"},"arn":"arn:aws:s3:::test-bucket"},)"
         R"("object":{"key":"dir%2Fobj-0-12345","size":4096,"eTag":"b72a05983f663132daaf4688bb919f80",)"
         R"("contentType":"application/octet-stream","userMetadata":{"content-type":)"
         R"("application/octet-stream"},"sequencer":"1805B25A6E5E6B1A"}},"source":{"host":)"
         R"("127.0.0.1","port":"","userAgent":"MinIO (linux; amd64) minio-go/v7.0.70"}}]})";
}

// Ceph RGW 18: quoted ETag, string size, eventId and opaqueData.
std::string ceph_body() {
  return R"({"Records":[{"eventVersion":"2.2","eventSource":"ceph:s3","awsRegion":"default",)"
         R"("eventTime":"2025-11-07T10:00:00.123456Z","eventName":"ObjectCreated:Put",)"
         R"("userIdentity":{"principalId":"tester"},"requestParameters":{"sourceIPAddress":""},)"
         R"("responseElements":{"x-amz-request-id":"6b1c7c7e-1d4c-4e0f-9a5b-2f1e3b1a0c44.4137.1",)"
         R"("x-amz-id-2":"1029-default-default"},"s3":{"s3SchemaVersion":"1.0","configurationId":"n1",)"
         R"("bucket":{"name":"test-bucket","ownerIdentity":{"principalId":"tester"},)"
         R"("arn":"arn:aws:s3:default::test-bucket","id":"6b1c7c7e-1d4c-4e0f.4137.1"},)"
         R"("object":{"key":"dir/obj-0-12345","size":"4096",)"
         R"("eTag":"\"b72a05983f663132daaf4688bb919f80\"","versionId":"",)"
         R"("sequencer":"F1A0A26618D5B70F","metadata":[],"tags":[]}},)"
         R"("eventId":"1699351200.123456.b72a05983f663132daaf4688bb919f80","opaqueData":""}]})";
}

// The AWS body as an SNS HTTP delivery's Message.
std::string sns_body() {
  std::string escaped;
  for (const char c : aws_body()) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return R"({"Type":"Notification","MessageId":"22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",)"
         R"("TopicArn":"arn:aws:sns:eu-west-1:123456789012:s3-events","Subject":)"
         R"("Amazon S3 Notification","Message":")" +
         escaped +
         R"(","Timestamp":"2025-11-07T09:41:24.000Z","SignatureVersion":"1",)"
         R"("Signature":"EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQ==",)"
         R"("SigningCertURL":"https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0.pem",)"
         R"("UnsubscribeURL":"https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe"})";
}

// AWS's EventBridge "Object Created" event for S3.
std::string eventbridge_body() {
  return R"({"version":"0","id":"17793124-05d4-b198-2fde-7ededc63b103","detail-type":)"
         R"("Object Created","source":"aws.s3","account":"123456789012","time":)"
         R"("2021-11-12T00:00:00Z","region":"ca-central-1","resources":)"
         R"(["arn:aws:s3:::example-bucket"],"detail":{"version":"0","bucket":{"name":)"
         R"("example-bucket"},"object":{"key":"example-key","size":5,"etag":)"
         R"("b1946ac92492d2347c6235b4d2611184","version-id":"IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",)"
         R"("sequencer":"617f08299329d189"},"request-id":"N4N7GDK58NMKJ12R","requester":)"
         R"("123456789012","source-ip-address":"1.2.3.4","reason":"PutObject"}})";
}

void parse_body(benchmark::State& state, const std::string& body, int records) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_notification(body));
  state.SetItemsProcessed(state.iterations() * records);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
  state.counters["body_bytes"] = static_cast<double>(body.size());
}

void BM_AwsRecord(benchmark::State& state) {
  parse_body(state, aws_body(), 1);
}
BENCHMARK(BM_AwsRecord);

void BM_MinioEnvelope(benchmark::State& state) {
  parse_body(state, minio_body(), 1);
}
BENCHMARK(BM_MinioEnvelope);

void BM_CephRecord(benchmark::State& state) {
  parse_body(state, ceph_body(), 1);
}
BENCHMARK(BM_CephRecord);

void BM_SnsWrapped(benchmark::State& state) {
  parse_body(state, sns_body(), 1);
}
BENCHMARK(BM_SnsWrapped);

void BM_EventBridge(benchmark::State& state) {
  parse_body(state, eventbridge_body(), 1);
}
BENCHMARK(BM_EventBridge);

void BM_EscapedKey(benchmark::State& state) {
  parse_body(state, escaped_body(), 1);
}
BENCHMARK(BM_EscapedKey);

void BM_Batch10(benchmark::State& state) {
  parse_body(state, batch_body(), 10);
}
BENCHMARK(BM_Batch10);

}  // namespace
