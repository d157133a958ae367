// The credential/region/endpoint chain, with a fake environment and temporary files.

#include "sigv4/credentials.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "util/usage_error.hpp"

namespace s3storm::sigv4 {
namespace {

namespace fs = std::filesystem;

class CredentialChain : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() /
            ("s3storm-cred-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(home_ / ".aws");
    env_["HOME"] = home_.string();
  }
  void TearDown() override { fs::remove_all(home_); }

  EnvLookup env() const {
    return [vars = env_](std::string_view name) -> std::optional<std::string> {
      const auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
  void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string error_of(const ChainOptions& options = {}) {
    try {
      resolve_credentials(env(), options);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "(no error)";
  }

  fs::path home_;
  std::map<std::string, std::string> env_;
};

TEST_F(CredentialChain, EnvironmentComesFirst) {
  env_["AWS_ACCESS_KEY_ID"] = "AKENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "SKENV";
  env_["AWS_SESSION_TOKEN"] = "TOKENV";
  write(home_ / ".aws/credentials",
        "[default]\naws_access_key_id = AKFILE\naws_secret_access_key = SKFILE\n");
  const auto found = resolve_credentials(env());
  EXPECT_EQ(found.credentials.access_key_id, "AKENV");
  EXPECT_EQ(found.credentials.secret_access_key, "SKENV");
  EXPECT_EQ(found.credentials.session_token, "TOKENV");
  EXPECT_EQ(found.source, "environment");
  // AWS_PROFILE does not override environment keys (only an explicit profile does).
  env_["AWS_PROFILE"] = "default";
  EXPECT_EQ(resolve_credentials(env()).credentials.access_key_id, "AKENV");
  EXPECT_EQ(resolve_credentials(env(), {"default"}).credentials.access_key_id, "AKFILE");
}

TEST_F(CredentialChain, ProfileFromCredentialsFileThenConfigFile) {
  write(home_ / ".aws/credentials",
        "# comment\n[default]\naws_access_key_id=AKDEF\naws_secret_access_key=SKDEF\n\n"
        "[work]\n  AWS_ACCESS_KEY_ID = AKWORK  \naws_secret_access_key = SKWORK\naws_session_token "
        "= TWORK\n");
  write(home_ / ".aws/config",
        "[default]\nregion = eu-central-1\n[profile cfg]\naws_access_key_id = "
        "AKCFG\naws_secret_access_key = SKCFG\n"
        "region = ap-south-1\ns3 =\n  addressing_style = path\nendpoint_url = "
        "http://127.0.0.1:9000\n");
  auto found = resolve_credentials(env());
  EXPECT_EQ(found.credentials.access_key_id, "AKDEF");
  EXPECT_EQ(found.source, (home_ / ".aws/credentials").string() + " [default]");
  env_["AWS_PROFILE"] = "work";
  found = resolve_credentials(env());
  EXPECT_EQ(found.credentials.access_key_id, "AKWORK");
  EXPECT_EQ(found.credentials.session_token, "TWORK");
  env_["AWS_PROFILE"] = "cfg";
  found = resolve_credentials(env());
  EXPECT_EQ(found.credentials.access_key_id, "AKCFG");
  EXPECT_EQ(found.source, (home_ / ".aws/config").string() + " [profile cfg]");
  EXPECT_EQ(resolve_region(env()).value(), "ap-south-1");
  EXPECT_EQ(resolve_endpoint_url(env()).value(), "http://127.0.0.1:9000");
  env_.erase("AWS_PROFILE");
  EXPECT_EQ(resolve_region(env()).value(), "eu-central-1");
}

TEST_F(CredentialChain, FileLocationsComeFromTheEnvironment) {
  write(home_ / "elsewhere/creds",
        "[default]\naws_access_key_id = AKX\naws_secret_access_key = SKX\n");
  write(home_ / "elsewhere/conf", "[default]\nregion = us-west-2\n");
  env_["AWS_SHARED_CREDENTIALS_FILE"] = (home_ / "elsewhere/creds").string();
  env_["AWS_CONFIG_FILE"] = (home_ / "elsewhere/conf").string();
  EXPECT_EQ(resolve_credentials(env()).credentials.access_key_id, "AKX");
  EXPECT_EQ(resolve_region(env()).value(), "us-west-2");
}

TEST_F(CredentialChain, RegionAndEndpointPrecedence) {
  write(home_ / ".aws/config", "[default]\nregion = from-file\nendpoint_url = http://file\n");
  EXPECT_EQ(resolve_region(env()).value(), "from-file");
  env_["AWS_DEFAULT_REGION"] = "from-default";
  EXPECT_EQ(resolve_region(env()).value(), "from-default");
  env_["AWS_REGION"] = "from-region";
  EXPECT_EQ(resolve_region(env()).value(), "from-region");
  EXPECT_EQ(resolve_endpoint_url(env()).value(), "http://file");
  env_["AWS_ENDPOINT_URL"] = "http://generic";
  EXPECT_EQ(resolve_endpoint_url(env()).value(), "http://generic");
  env_["AWS_ENDPOINT_URL_S3"] = "http://s3-only";
  EXPECT_EQ(resolve_endpoint_url(env(), "s3").value(), "http://s3-only");
  EXPECT_EQ(resolve_endpoint_url(env(), "sqs").value(), "http://generic");
}

TEST_F(CredentialChain, MissingCredentialsNameEveryPlaceLooked) {
  const std::string message = error_of();
  EXPECT_NE(message.find("no AWS credentials found"), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << message;
  EXPECT_NE(message.find((home_ / ".aws/credentials").string() + " [default]"), std::string::npos)
      << message;
  EXPECT_NE(message.find((home_ / ".aws/config").string() + " [default]"), std::string::npos)
      << message;
  EXPECT_FALSE(resolve_region(env()));
}

TEST_F(CredentialChain, PartialOrUnknownEntriesAreClearErrorsWithoutSecrets) {
  env_["AWS_SECRET_ACCESS_KEY"] = "SUPERSECRET";
  std::string message = error_of();
  EXPECT_NE(message.find("AWS_ACCESS_KEY_ID is not"), std::string::npos) << message;
  EXPECT_EQ(message.find("SUPERSECRET"), std::string::npos);
  env_.erase("AWS_SECRET_ACCESS_KEY");

  write(home_ / ".aws/credentials", "[default]\naws_secret_access_key = SUPERSECRET\n");
  message = error_of();
  EXPECT_NE(message.find("[default] has aws_secret_access_key but no aws_access_key_id"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("SUPERSECRET"), std::string::npos);

  env_["AWS_PROFILE"] = "nope";
  message = error_of();
  EXPECT_NE(message.find("profile 'nope' not found"), std::string::npos) << message;
}

TEST(AwsIni, ReportsFileLineAndColumnForBadLines) {
  try {
    parse_aws_ini("[default]\nregion = x\n  just words\n", "cfg");
    FAIL() << "expected an error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "cfg:3:3: expected 'key = value'");
  }
  EXPECT_THROW(parse_aws_ini("[default\n", "cfg"), UsageError);
  EXPECT_THROW(parse_aws_ini("region = x\n", "cfg"), UsageError);
  const IniFile ini = parse_aws_ini("[a]\r\nK : v\r\n; c\r\n", "cfg");
  EXPECT_EQ(ini.at("a").at("k"), "v");
}

}  // namespace
}  // namespace s3storm::sigv4
