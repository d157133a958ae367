// What the credential endpoints answer, turned into credentials (or one clear error without a
// secret), and the refresher that keeps temporary credentials fresh.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "aws_config/container_credentials.hpp"
#include "aws_config/credential_process.hpp"
#include "aws_config/refreshing_credentials.hpp"
#include "aws_config/web_identity.hpp"
#include "util/iso_time.hpp"
#include "util/usage_error.hpp"

namespace s3storm::aws_config {
namespace {

using namespace std::chrono_literals;

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CredentialProcess, ReadsVersionOneWithOptionalTokenAndExpiration) {
  auto got = parse_process_output(
      R"({"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","SessionToken":"TK",)"
      R"("Expiration":"2030-01-02T03:04:05Z"})",
      "p");
  EXPECT_EQ(got.credentials.access_key_id, "AK");
  EXPECT_EQ(got.credentials.secret_access_key, "SK");
  EXPECT_EQ(got.credentials.session_token, "TK");
  EXPECT_EQ(got.expiration, parse_iso8601("2030-01-02T03:04:05Z"));
  got = parse_process_output(R"({"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK"})", "p");
  EXPECT_EQ(got.credentials.session_token, "");
  EXPECT_FALSE(got.expiration);
  got = parse_process_output(R"({"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK",)"
                             R"("Expiration":"2030-01-02T03:04:05+00:00"})",
                             "p");
  EXPECT_EQ(got.expiration, parse_iso8601("2030-01-02T03:04:05Z"));
}

TEST(CredentialProcess, BadOutputIsNamedWithoutTheSecret) {
  for (const char* output :
       {"not json", R"({"Version":2,"AccessKeyId":"AK","SecretAccessKey":"SECRET1"})",
        R"({"Version":1,"AccessKeyId":"AK"})",
        R"({"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SECRET1","Expiration":"soon"})"}) {
    const std::string message =
        error_of([&] { parse_process_output(output, "credential_process of profile 'x'"); });
    EXPECT_EQ(message.rfind("credential_process of profile 'x'", 0), 0u) << message;
    EXPECT_EQ(message.find("SECRET1"), std::string::npos) << message;
  }
}

TEST(CredentialProcess, RunsTheCommandAndReportsItsExitStatus) {
  const auto got = run_credential_process(
      R"(printf '{"Version":1,"AccessKeyId":"AKP","SecretAccessKey":"SKP"}')", "p");
  EXPECT_EQ(got.credentials.access_key_id, "AKP");
  EXPECT_EQ(error_of([] { run_credential_process("exit 3", "p"); }), "p exited with status 3");
}

TEST(WebIdentity, FormEncodesTheToken) {
  WebIdentity identity;
  identity.role_arn = "arn:aws:iam::123:role/r";
  identity.session_name = "s";
  EXPECT_EQ(web_identity_form(identity, "a+b/c="),
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123%"
            "3Arole%2Fr&RoleSessionName=s&WebIdentityToken=a%2Bb%2Fc%3D");
}

TEST(WebIdentity, ReadsStsCredentialsAndErrors) {
  const auto got = parse_sts_answer(
      R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>SK1</SecretAccessKey>
      <SessionToken>TK1</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>)",
      200);
  EXPECT_EQ(got.credentials.access_key_id, "ASIA1");
  EXPECT_EQ(got.credentials.secret_access_key, "SK1");
  EXPECT_EQ(got.credentials.session_token, "TK1");
  EXPECT_EQ(got.expiration, parse_iso8601("2030-01-01T00:00:00Z"));
  EXPECT_EQ(error_of([] {
              parse_sts_answer(
                  "<ErrorResponse><Error><Type>Sender</Type><Code>"
                  "InvalidIdentityToken</Code><Message>expired</Message></Error>"
                  "</ErrorResponse>",
                  400);
            }),
            "STS AssumeRoleWithWebIdentity answered HTTP 400 InvalidIdentityToken: expired");
  EXPECT_NE(error_of([] { parse_sts_answer("gateway timeout", 504); }).find("HTTP 504"),
            std::string::npos);
}

TEST(ContainerCredentials, ReadsTheAgentsJsonAndErrors) {
  const auto got = parse_container_answer(
      R"({"AccessKeyId":"AKC","SecretAccessKey":"SKC","Token":"TKC","Expiration":"2030-01-01T00:00:00Z","RoleArn":"r"})",
      200);
  EXPECT_EQ(got.credentials.access_key_id, "AKC");
  EXPECT_EQ(got.credentials.session_token, "TKC");
  EXPECT_TRUE(got.expiration);
  EXPECT_EQ(error_of([] {
              parse_container_answer(R"({"code":"AccessDenied","message":"bad token"})", 403);
            }),
            "the container credentials endpoint answered HTTP 403 AccessDenied: bad token");
}

TEST(Refresh, BeforeTheWindowButNeverLaterThanHalfTheLifetime) {
  const SystemTime t0{};
  EXPECT_EQ(refresh_time(t0, t0 + 1h, 300s), t0 + 55min);
  EXPECT_EQ(refresh_time(t0, t0 + 20s, 300s), t0 + 10s);
  EXPECT_EQ(refresh_time(t0, t0 + 1s, 300s), t0 + 1s);  // never sooner than a second
}

TEST(Refresh, PublishesNewCredentialsBeforeTheOldExpire) {
  std::atomic<int> calls{0};
  CredentialSource source{"test", [&calls] {
                            const int n = ++calls;
                            return FetchedCredentials{
                                {"AK" + std::to_string(n), "SK", "TK" + std::to_string(n)},
                                std::chrono::system_clock::now() + 2s};
                          }};
  RefreshingCredentials credentials(std::move(source));
  const auto feed = credentials.feed();
  EXPECT_EQ(feed->generation(), 0u);
  EXPECT_EQ(credentials.current().access_key_id, "AK1");
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (feed->generation() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GE(feed->generation(), 2u);
  EXPECT_GE(calls.load(), 3);
  EXPECT_EQ(credentials.current().session_token, "TK" + std::to_string(calls.load()));
}

TEST(Refresh, AFailedFirstFetchIsAUsageErrorNamingTheSource) {
  CredentialSource source{"credential_process of profile 'x'",
                          []() -> FetchedCredentials { throw CredentialError("exited with 1"); }};
  EXPECT_EQ(error_of([&] { RefreshingCredentials credentials(source); }),
            "credentials from credential_process of profile 'x': exited with 1");
  CredentialSource expired{
      "old", [] {
        return FetchedCredentials{{"AK", "SK", ""}, std::chrono::system_clock::now() - 1s};
      }};
  EXPECT_THROW(RefreshingCredentials{expired}, UsageError);
}

}  // namespace
}  // namespace s3storm::aws_config
