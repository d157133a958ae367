// FlowRunner, s3::Exchange and s3::MultipartUpload through the seams: a FakeSender sees each
// request as it would go on the wire and answers from a script; a ManualTime makes every latency
// an exact number.

#include "engine/flow_runner.hpp"

#include <gtest/gtest.h>

#include "load_rig.hpp"
#include "s3/content.hpp"
#include "sigv4/crypto.hpp"

namespace s3storm::engine {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using testing::FakeAnswer;
using testing::LoadRig;
using testing::SeenRequest;

FakeAnswer ok_answer(const SeenRequest&) {
  return {.etag = "\"etag\"", .takes = milliseconds(1)};
}

FakeAnswer error_answer(unsigned status, std::string_view code) {
  return {.status = status,
          .body = "<Error><Code>" + std::string(code) + "</Code></Error>",
          .takes = milliseconds(1)};
}

std::vector<std::string> lines(const std::vector<SeenRequest>& seen) {
  std::vector<std::string> out;
  for (const auto& request : seen) out.push_back(request.method + " " + request.target);
  return out;
}

TEST(FlowRunner, RunsAFlowsStepsInOrderAndUsesLastForCopyAndDelete) {
  LoadRig rig(R"(    iterations: 1
    flow:
      - put: {bucket: bkt, key: "obj-{iter}", size: 100}
      - copy: {bucket: bkt, from: last, key: "copy-{iter}"}
      - get: {bucket: bkt, key: last}
      - delete: {bucket: bkt, key: last}
)",
              ok_answer);
  rig.run_iteration(7);
  const auto& seen = rig.fake->seen;
  EXPECT_EQ(lines(seen), (std::vector<std::string>{"PUT /bkt/obj-7", "PUT /bkt/copy-7",
                                                   "GET /bkt/copy-7", "DELETE /bkt/copy-7"}));
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].body_size, 100u);
  EXPECT_EQ(seen[1].header("x-amz-copy-source"), "bkt/obj-7");
  EXPECT_NE(seen[0].header("Authorization").find("Credential=AKIDEXAMPLE/20260101/"),
            std::string::npos)
      << "signed at the manual clock's date";
  for (auto kind : {OpKind::kPut, OpKind::kCopy, OpKind::kGet, OpKind::kDelete}) {
    EXPECT_EQ(rig.op(kind).ok, 1u) << op_name(kind);
  }
  EXPECT_FALSE(rig.flow().busy());
}

TEST(FlowRunner, AFailedStepEndsTheIterationWithItsS3Code) {
  LoadRig rig(R"(    iterations: 1
    flow:
      - put: {bucket: bkt, key: "obj-{iter}", size: 10}
      - delete: {bucket: bkt, key: last}
)",
              [](const SeenRequest&) { return error_answer(403, "AccessDenied"); });
  rig.run_iteration(0);
  EXPECT_EQ(rig.fake->seen.size(), 1u);
  const auto& put = rig.op(OpKind::kPut);
  EXPECT_EQ(put.errors, 1u);
  EXPECT_EQ(put.errors_by_code.at("AccessDenied"), 1u);
  EXPECT_EQ(put.errors_by_status.at(403), 1u);
  EXPECT_EQ(rig.op(OpKind::kDelete).count, 0u);
}

TEST(FlowRunner, ACopysErrorAfterA200IsAFailure) {
  LoadRig rig(R"(    iterations: 1
    flow:
      - put: {bucket: bkt, key: "obj-{iter}", size: 10}
      - copy: {bucket: bkt, from: last, key: "copy-{iter}"}
)",
              [](const SeenRequest& request) {
                if (request.header("x-amz-copy-source").empty()) return ok_answer(request);
                return error_answer(200, "AccessDenied");
              });
  rig.run_iteration(0);
  EXPECT_EQ(rig.op(OpKind::kCopy).errors_by_code.at("AccessDenied"), 1u);
}

constexpr std::string_view kUploadId = "up/1";

FakeAnswer multipart_answer(const SeenRequest& request, int failing_part) {
  if (request.method == "POST" && request.target.ends_with("?uploads=")) {
    return {.body = "<InitiateMultipartUploadResult><UploadId>" + std::string(kUploadId) +
                    "</UploadId></InitiateMultipartUploadResult>"};
  }
  if (request.method == "PUT") {
    const bool failing = request.target.find("partNumber=" + std::to_string(failing_part) + "&") !=
                         std::string::npos;
    if (failing) return error_answer(403, "AccessDenied");
    return {.etag = "\"part\"", .takes = milliseconds(2)};
  }
  if (request.method == "POST") {
    return {.body =
                "<CompleteMultipartUploadResult><ETag>\"whole-2\"</ETag>"
                "</CompleteMultipartUploadResult>"};
  }
  return {.status = 204};  // abort
}

constexpr std::string_view kMultipartPhase = R"(    iterations: 1
    flow:
      - multipart: {bucket: bkt, key: "mp-{iter}", size: 10MiB, part_size: 5MiB}
)";

TEST(FlowRunner, MultipartCreatesSendsThePartsAndCompletes) {
  LoadRig rig(std::string(kMultipartPhase),
              [](const SeenRequest& r) { return multipart_answer(r, /*failing_part=*/0); });
  rig.run_iteration(3);
  const auto& seen = rig.fake->seen;
  EXPECT_EQ(lines(seen),
            (std::vector<std::string>{
                "POST /bkt/mp-3?uploads=", "PUT /bkt/mp-3?partNumber=1&uploadId=up%2F1",
                "PUT /bkt/mp-3?partNumber=2&uploadId=up%2F1", "POST /bkt/mp-3?uploadId=up%2F1"}));
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[1].body_size, 5u * 1024 * 1024);
  EXPECT_NE(seen[3].body.find("<PartNumber>2</PartNumber>"), std::string::npos) << seen[3].body;
  EXPECT_EQ(rig.op(OpKind::kMultipart).ok, 1u);
  EXPECT_EQ(rig.op(OpKind::kMultipartPart).ok, 2u);
  // Each part took 2 ms of the manual clock, and its latency is that, exactly.
  EXPECT_EQ(rig.op(OpKind::kMultipartPart).latency.max(), 2000u);
  EXPECT_EQ(rig.op(OpKind::kMultipart).latency.max(), 4000u);
}

constexpr std::string_view kRandomMultipartPhase = R"(    iterations: 1
    flow:
      - multipart: {bucket: bkt, key: "mp-{iter}", size: 10MiB, part_size: 5MiB,
                    content: random}
)";

// The object's bytes at a part's offset, hashed here apart from the upload's own fill and hash.
std::string random_part_sha256(const LoadRig& rig, std::string_view key, std::uint64_t offset) {
  std::string part(5u * 1024 * 1024, '\0');
  s3::fill_random_content(s3::FillPath::kScalar, s3::random_content_seed(rig.scenario.seed, key),
                          offset, std::span<char>(part.data(), part.size()));
  return sigv4::sha256_hex(part);
}

// Random parts are hashed while they are filled; the signature must carry those bytes' hash.
TEST(FlowRunner, RandomMultipartPartsAreSignedWithTheirOwnBytesHash) {
  LoadRig rig(std::string(kRandomMultipartPhase),
              [](const SeenRequest& r) { return multipart_answer(r, /*failing_part=*/0); });
  rig.run_iteration(4);
  const auto& seen = rig.fake->seen;
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[1].header("x-amz-content-sha256"), random_part_sha256(rig, "mp-4", 0));
  EXPECT_EQ(seen[2].header("x-amz-content-sha256"),
            random_part_sha256(rig, "mp-4", 5u * 1024 * 1024));
  EXPECT_EQ(rig.op(OpKind::kMultipart).ok, 1u);
}

TEST(FlowRunner, RandomMultipartPartsUnsignedSayUnsignedPayload) {
  LoadRig rig(std::string(kRandomMultipartPhase),
              [](const SeenRequest& r) { return multipart_answer(r, /*failing_part=*/0); });
  rig.context.session.sign_payload = false;
  rig.run_iteration(5);
  const auto& seen = rig.fake->seen;
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[1].header("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(seen[2].header("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
}

TEST(FlowRunner, MultipartAbortsAfterAPartFails) {
  LoadRig rig(std::string(kMultipartPhase),
              [](const SeenRequest& r) { return multipart_answer(r, /*failing_part=*/2); });
  rig.run_iteration(0);
  EXPECT_EQ(lines(rig.fake->seen),
            (std::vector<std::string>{
                "POST /bkt/mp-0?uploads=", "PUT /bkt/mp-0?partNumber=1&uploadId=up%2F1",
                "PUT /bkt/mp-0?partNumber=2&uploadId=up%2F1", "DELETE /bkt/mp-0?uploadId=up%2F1"}));
  const auto& multipart = rig.op(OpKind::kMultipart);
  EXPECT_EQ(multipart.errors_by_code.at("AccessDenied"), 1u);
  EXPECT_EQ(rig.op(OpKind::kMultipartPart).errors, 1u);
  EXPECT_EQ(rig.worker_recorder.stats().uploads_left_open, 0u);
}

constexpr std::string_view kOnePut = R"(    iterations: 1
    flow:
      - put: {bucket: bkt, key: "obj-{iter}", size: 10}
)";

TEST(FlowRunner, RetriesSlowDownAndCountsTheRetries) {
  int sent = 0;
  LoadRig rig(std::string(kOnePut), [&sent](const SeenRequest& r) {
    return ++sent <= 2 ? error_answer(503, "SlowDown") : ok_answer(r);
  });
  rig.run_iteration(0);
  EXPECT_EQ(rig.fake->seen.size(), 3u);
  const auto& put = rig.op(OpKind::kPut);
  EXPECT_EQ(put.ok, 1u);
  EXPECT_EQ(put.errors, 0u);
  EXPECT_EQ(put.retries, 2u);
  // Three attempts of 1 ms each: the latency covers them all.
  EXPECT_EQ(put.latency.max(), 3000u);
}

TEST(FlowRunner, RetriesStopAtTheLimitAndTheLastAnswerCounts) {
  LoadRig rig(std::string(kOnePut),
              [](const SeenRequest&) { return error_answer(503, "SlowDown"); });
  rig.context.session.retry.max_retries = 1;
  rig.run_iteration(0);
  EXPECT_EQ(rig.fake->seen.size(), 2u);
  const auto& put = rig.op(OpKind::kPut);
  EXPECT_EQ(put.errors_by_code.at("SlowDown"), 1u);
  EXPECT_EQ(put.retries, 1u);
}

TEST(FlowRunner, ADroppedConnectionIsAnErrorAndTheSlotRunsOn) {
  bool drop = true;
  LoadRig rig(std::string(kOnePut), [&drop](const SeenRequest& r) {
    if (drop) return FakeAnswer{.outcome = http::Outcome::kReset};
    return ok_answer(r);
  });
  rig.run_iteration(0);
  const auto& put = rig.op(OpKind::kPut);
  EXPECT_EQ(rig.fake->seen.size(), 3u) << "a reset is retried, twice by default";
  EXPECT_EQ(put.errors_by_code.at("reset"), 1u);
  EXPECT_EQ(put.errors_by_status.count(0), 1u);
  drop = false;
  rig.run_iteration(1);
  EXPECT_EQ(put.ok, 1u);
  EXPECT_EQ(put.count, 2u);
}

TEST(FlowRunner, ATimeoutIsAnErrorAndIsNotRetried) {
  LoadRig rig(std::string(kOnePut), [](const SeenRequest&) {
    return FakeAnswer{.outcome = http::Outcome::kTimeout, .takes = milliseconds(30)};
  });
  rig.run_iteration(0);
  EXPECT_EQ(rig.fake->seen.size(), 1u) << "a timeout says something about the target: no retry";
  const auto& put = rig.op(OpKind::kPut);
  EXPECT_EQ(put.errors_by_code.at("timeout"), 1u);
  EXPECT_EQ(put.retries, 0u);
  EXPECT_EQ(put.latency.max(), 30'000u);
}

TEST(FlowRunner, LatencyIsTakenFromTheInjectedClock) {
  LoadRig rig(std::string(kOnePut), [](const SeenRequest&) {
    return FakeAnswer{.etag = "\"e\"", .takes = microseconds(1234)};
  });
  rig.run_iteration(0);
  const auto& put = rig.op(OpKind::kPut);
  EXPECT_EQ(put.latency.min(), 1234u);
  EXPECT_EQ(put.latency.max(), 1234u);
  EXPECT_EQ(put.service.max(), 1234u);
  EXPECT_EQ(put.ttfb.max(), 1234u);
  // The per-second series is on the manual system clock's second.
  EXPECT_EQ(
      put.per_second.start(),
      std::chrono::duration_cast<std::chrono::seconds>(rig.time.system.time_since_epoch()).count());
}

TEST(FlowRunner, OpenLoopLatencyRunsFromTheIntendedStart) {
  LoadRig rig(R"(    iterations: 1
    rate: 10/s
    flow:
      - put: {bucket: bkt, key: "obj-{iter}", size: 10}
      - put: {bucket: bkt, key: "second-{iter}", size: 10}
)",
              [](const SeenRequest&) { return FakeAnswer{.takes = milliseconds(5)}; });
  ASSERT_TRUE(rig.context.schedule);
  // The start was due 30 ms ago: the first step is charged for the wait, the second is not.
  rig.run_iteration(0, rig.time.steady - milliseconds(30));
  const auto& put = rig.op(OpKind::kPut);
  EXPECT_EQ(put.latency.max(), 35'000u);
  EXPECT_EQ(put.latency.min(), 5'000u);
  EXPECT_EQ(put.service.max(), 5'000u);
}

}  // namespace
}  // namespace s3storm::engine
