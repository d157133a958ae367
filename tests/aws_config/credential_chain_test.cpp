// The profile, region, endpoint and credential-source precedence, with a fake environment and
// temporary files.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "aws_config/aws_config.hpp"
#include "aws_config/credential_source.hpp"
#include "aws_config/scenario_target.hpp"
#include "util/usage_error.hpp"

namespace s3storm::aws_config {
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

  util::EnvLookup env() const {
    return [vars = env_](std::string_view name) -> std::optional<std::string> {
      const auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
  AwsConfig config(const std::string& profile = "") const {
    return AwsConfig::load(env(), {profile});
  }
  sigv4::Credentials credentials(const std::string& profile = "") const {
    return require_credential_source(config(profile)).fetch().credentials;
  }
  std::string source(const std::string& profile = "") const {
    return require_credential_source(config(profile)).description;
  }
  void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string error_of(const std::string& profile = "") {
    try {
      require_credential_source(config(profile));
    } catch (const UsageError& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::string region(const std::string& profile = "") const {
    const auto found = config(profile).region();
    return found ? found->value : "(none)";
  }
  std::string endpoint(std::string_view service = "s3", const std::string& profile = "") const {
    const auto found = config(profile).endpoint_url(service);
    return found ? found->value : "(none)";
  }

  fs::path home_;
  std::map<std::string, std::string> env_;
};

TEST_F(CredentialChain, EnvironmentComesFirstUnlessAProfileIsGivenByFlag) {
  env_["AWS_ACCESS_KEY_ID"] = "AKENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "SKENV";
  env_["AWS_SESSION_TOKEN"] = "TOKENV";
  write(home_ / ".aws/credentials",
        "[default]\naws_access_key_id = AKFILE\naws_secret_access_key = SKFILE\n");
  const auto found = credentials();
  EXPECT_EQ(found.access_key_id, "AKENV");
  EXPECT_EQ(found.secret_access_key, "SKENV");
  EXPECT_EQ(found.session_token, "TOKENV");
  EXPECT_EQ(source(), "environment");
  // AWS_PROFILE does not override environment keys (only --profile does).
  env_["AWS_PROFILE"] = "default";
  EXPECT_EQ(credentials().access_key_id, "AKENV");
  EXPECT_EQ(credentials("default").access_key_id, "AKFILE");
}

TEST_F(CredentialChain, ProfileFromCredentialsFileThenConfigFile) {
  write(home_ / ".aws/credentials",
        "# comment\n[default]\naws_access_key_id=AKDEF\naws_secret_access_key=SKDEF\n\n"
        "[work]\n  AWS_ACCESS_KEY_ID = AKWORK  \naws_secret_access_key = SKWORK\naws_session_token "
        "= TWORK\n");
  write(home_ / ".aws/config",
        "[default]\nregion = eu-central-1\n[profile cfg]\naws_access_key_id = "
        "AKCFG\naws_secret_access_key = SKCFG\n"
        "region = ap-south-1\ns3 =\n  addressing_style = virtual\nendpoint_url = "
        "http://127.0.0.1:9000\n");
  EXPECT_EQ(credentials().access_key_id, "AKDEF");
  EXPECT_EQ(source(), (home_ / ".aws/credentials").string() + " [default]");
  env_["AWS_PROFILE"] = "work";
  EXPECT_EQ(credentials().access_key_id, "AKWORK");
  EXPECT_EQ(credentials().session_token, "TWORK");
  env_["AWS_PROFILE"] = "cfg";
  EXPECT_EQ(credentials().access_key_id, "AKCFG");
  EXPECT_EQ(source(), (home_ / ".aws/config").string() + " [profile cfg]");
  EXPECT_EQ(region(), "ap-south-1");
  EXPECT_EQ(endpoint(), "http://127.0.0.1:9000");
  EXPECT_EQ(config().addressing_style()->value, "virtual");
  env_.erase("AWS_PROFILE");
  EXPECT_EQ(region(), "eu-central-1");
  EXPECT_FALSE(config().addressing_style());
  // --profile picks the same profile as AWS_PROFILE.
  EXPECT_EQ(region("cfg"), "ap-south-1");
}

TEST_F(CredentialChain, FileLocationsComeFromTheEnvironment) {
  write(home_ / "elsewhere/creds",
        "[default]\naws_access_key_id = AKX\naws_secret_access_key = SKX\n");
  write(home_ / "elsewhere/conf", "[default]\nregion = us-west-2\n");
  env_["AWS_SHARED_CREDENTIALS_FILE"] = (home_ / "elsewhere/creds").string();
  env_["AWS_CONFIG_FILE"] = (home_ / "elsewhere/conf").string();
  EXPECT_EQ(credentials().access_key_id, "AKX");
  EXPECT_EQ(region(), "us-west-2");
}

TEST_F(CredentialChain, RegionAndEndpointPrecedence) {
  write(home_ / ".aws/config",
        "[default]\nregion = from-file\nendpoint_url = http://file\nservices = local\n"
        "[services local]\nsqs =\n  endpoint_url = http://services-sqs\n");
  EXPECT_EQ(region(), "from-file");
  EXPECT_EQ(config().region()->source, (home_ / ".aws/config").string() + " [default] region");
  env_["AWS_DEFAULT_REGION"] = "from-default";
  EXPECT_EQ(region(), "from-default");
  env_["AWS_REGION"] = "from-region";
  EXPECT_EQ(region(), "from-region");
  EXPECT_EQ(config().region()->source, "AWS_REGION");

  EXPECT_EQ(endpoint("s3"), "http://file");
  EXPECT_EQ(endpoint("sqs"), "http://services-sqs");  // the services section beats endpoint_url
  env_["AWS_ENDPOINT_URL"] = "http://generic";
  EXPECT_EQ(endpoint("s3"), "http://generic");
  EXPECT_EQ(endpoint("sqs"), "http://generic");
  env_["AWS_ENDPOINT_URL_S3"] = "http://s3-only";
  EXPECT_EQ(endpoint("s3"), "http://s3-only");
  EXPECT_EQ(config().endpoint_url("s3")->source, "AWS_ENDPOINT_URL_S3");
  EXPECT_EQ(endpoint("sqs"), "http://generic");
  env_["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  EXPECT_EQ(endpoint("s3"), "(none)");
}

TEST_F(CredentialChain, ServicesSectionThatDoesNotExistIsNamed) {
  write(home_ / ".aws/config", "[default]\nservices = nowhere\n");
  try {
    config().endpoint_url("s3");
    FAIL() << "expected an error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("no [services nowhere] section"), std::string::npos)
        << e.what();
  }
}

TEST_F(CredentialChain, CaBundleAndAddressingStyle) {
  write(home_ / ".aws/config",
        "[default]\nca_bundle = ~/ca.pem\ns3 =\n  addressing_style = sideways\n");
  EXPECT_EQ(config().ca_bundle()->value, (home_ / "ca.pem").string());
  EXPECT_THROW(config().addressing_style(), UsageError);
  env_["AWS_CA_BUNDLE"] = "/etc/other.pem";
  EXPECT_EQ(config().ca_bundle()->value, "/etc/other.pem");
}

TEST_F(CredentialChain, TheScenarioWinsOverTheAwsEnvironment) {
  write(home_ / "ca.pem", "not checked here\n");
  write(home_ / ".aws/config",
        "[profile far]\nregion = eu-north-1\nendpoint_url = http://127.0.0.1:9911/\n"
        "ca_bundle = " +
            (home_ / "ca.pem").string() + "\ns3 =\n  addressing_style = virtual\n");
  scenario::Target unset;
  apply_to_target(config("far"), unset);
  EXPECT_EQ(unset.endpoint, "http://127.0.0.1:9911");
  EXPECT_EQ(unset.port, 9911);
  EXPECT_EQ(unset.region, "eu-north-1");
  EXPECT_EQ(unset.addressing, scenario::Addressing::kVirtualHost);
  EXPECT_EQ(unset.tls.ca_file, (home_ / "ca.pem").string());

  scenario::Target given;
  given.endpoint = "http://127.0.0.1:1";
  given.endpoint_given = given.region_given = given.addressing_given = true;
  given.region = "us-west-1";
  given.tls.ca_file = "/mine.pem";
  apply_to_target(config("far"), given);
  EXPECT_EQ(given.endpoint, "http://127.0.0.1:1");
  EXPECT_EQ(given.region, "us-west-1");
  EXPECT_EQ(given.addressing, scenario::Addressing::kPath);
  EXPECT_EQ(given.tls.ca_file, "/mine.pem");

  env_["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9000/a/path";
  scenario::Target bad;
  try {
    apply_to_target(config("far"), bad);
    FAIL() << "expected an error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("AWS_ENDPOINT_URL_S3: endpoint", 0), 0u) << e.what();
  }
}

TEST_F(CredentialChain, MissingCredentialsNameEveryPlaceLooked) {
  const std::string message = error_of();
  EXPECT_NE(message.find("no AWS credentials found"), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << message;
  EXPECT_NE(message.find((home_ / ".aws/credentials").string() + " [default]"), std::string::npos)
      << message;
  EXPECT_NE(message.find((home_ / ".aws/config").string() + " [default]"), std::string::npos)
      << message;
  EXPECT_NE(message.find("AWS_WEB_IDENTITY_TOKEN_FILE"), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_CONTAINER_CREDENTIALS"), std::string::npos) << message;
  EXPECT_FALSE(config().region());
  EXPECT_FALSE(find_credential_source(config()));
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
  EXPECT_THROW(config(), UsageError);
  try {
    config();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("profile 'nope' not found"), std::string::npos);
  }
}

TEST_F(CredentialChain, UnsupportedProfileKindsAreNamed) {
  write(home_ / ".aws/config",
        "[profile sso]\nsso_session = corp\n"
        "[profile legacy-sso]\nsso_start_url = https://corp.awsapps.com/start\n"
        "[profile chained]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n"
        "[profile instance]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = "
        "Ec2InstanceMetadata\n"
        "[profile bare-role]\nrole_arn = arn:aws:iam::1:role/r\n");
  const std::map<std::string, std::string> kinds = {
      {"sso", "uses sso_session, which s3storm does not support"},
      {"legacy-sso", "uses sso_start_url, which"},
      {"chained", "uses role_arn with source_profile, which"},
      {"instance", "uses role_arn with credential_source, which"},
      {"bare-role", "uses role_arn without web_identity_token_file, which"}};
  for (const auto& [profile, expected] : kinds) {
    const std::string message = error_of(profile);
    EXPECT_EQ(message.rfind("AWS profile '" + profile + "' " + expected, 0), 0u) << message;
    EXPECT_NE(message.find("credential_process"), std::string::npos) << message;
  }
}

TEST_F(CredentialChain, SourcesInBotocoreOrder) {
  write(home_ / "token", "eyJ.token\n");
  write(home_ / ".aws/config",
        "[profile proc]\ncredential_process = printf '{\"Version\":1}'\n"
        "[profile proc-and-keys]\ncredential_process = false\naws_access_key_id = AKC\n"
        "aws_secret_access_key = SKC\n"
        "[profile web]\nrole_arn = arn:aws:iam::1:role/web\nweb_identity_token_file = " +
            (home_ / "token").string() + "\nregion = eu-west-3\n");
  write(home_ / ".aws/credentials",
        "[proc-and-keys]\naws_access_key_id = AKF\naws_secret_access_key = SKF\n");
  EXPECT_EQ(source("proc"), "credential_process of profile 'proc'");
  // Credentials-file keys come before credential_process, which comes before config-file keys.
  EXPECT_EQ(source("proc-and-keys"), (home_ / ".aws/credentials").string() + " [proc-and-keys]");
  EXPECT_EQ(source("web"),
            "web identity (role arn:aws:iam::1:role/web at https://sts.eu-west-3.amazonaws.com)");
  env_["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:4599";
  EXPECT_EQ(source("web"), "web identity (role arn:aws:iam::1:role/web at http://127.0.0.1:4599)");

  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/abc";
  EXPECT_EQ(source(), "container credentials http://169.254.170.2/v2/credentials/abc");
  env_.erase("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:8123/creds?x=1";
  EXPECT_EQ(source(), "container credentials http://127.0.0.1:8123/creds");
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://example.com/creds";
  EXPECT_NE(error_of().find("http is allowed only to a loopback address"), std::string::npos);
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "https://example.com/creds";
  EXPECT_EQ(source(), "container credentials https://example.com/creds");

  // Web identity from the environment comes before static keys of the profile.
  env_["AWS_WEB_IDENTITY_TOKEN_FILE"] = (home_ / "token").string();
  env_["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/env";
  EXPECT_EQ(source("proc-and-keys"),
            "web identity (role arn:aws:iam::1:role/env at http://127.0.0.1:4599)");
  env_.erase("AWS_ROLE_ARN");
  EXPECT_NE(error_of("proc-and-keys").find("no role"), std::string::npos);
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

TEST(AwsIni, NestedBlocksAreKeptUnderTheirParent) {
  const IniFile ini = parse_aws_ini(
      "[profile x]\ns3 =\n  addressing_style = path\n  Endpoint_URL = http://a\nregion = r\n"
      "[services s]\nsts =\n\tendpoint_url = http://b\n",
      "cfg");
  EXPECT_EQ(ini.at("profile x").at("s3.addressing_style"), "path");
  EXPECT_EQ(ini.at("profile x").at("s3.endpoint_url"), "http://a");
  EXPECT_EQ(ini.at("profile x").at("region"), "r");
  EXPECT_EQ(ini.at("services s").at("sts.endpoint_url"), "http://b");
}

}  // namespace
}  // namespace s3storm::aws_config
