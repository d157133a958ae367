// Walks tests/sigv4/data: AWS's generic SigV4 suite (service "service") and the S3 worked examples
// from AWS's documentation. Each case is checked twice: through the canonical-request layer with
// the request's headers exactly as listed, and through the Signer API the load engine uses.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"
#include "util/ascii.hpp"

namespace s3storm::sigv4 {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Context {
  std::string access_key, secret_key, time, region, service;
};

Context read_context(const fs::path& root) {
  std::map<std::string, std::string> values;
  std::istringstream in(read_file(root / "context.txt"));
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return {values["access_key"], values["secret_key"], values["time"], values["region"],
          values["service"]};
}

struct RawRequest {
  std::string method, target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The suite's .req format: request line, "Name:value" lines, blank line, body. The target may
// contain a space (get-space), so the method is the first word and the version the last.
RawRequest parse_request(const std::string& text) {
  RawRequest req;
  const auto head_end = text.find("\n\n");
  const std::string head = text.substr(0, head_end);
  if (head_end != std::string::npos) req.body = text.substr(head_end + 2);
  std::istringstream in(head);
  std::string line;
  std::getline(in, line);
  const auto first_space = line.find(' ');
  const auto last_space = line.rfind(' ');
  req.method = line.substr(0, first_space);
  req.target = line.substr(first_space + 1, last_space - first_space - 1);
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    req.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return req;
}

std::string signature_of(const std::string& authz) {
  return authz.substr(authz.rfind('=') + 1);
}

struct Case {
  fs::path root;
  fs::path dir;
  std::string name;
};

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const char* root_name : {"aws-sig-v4-test-suite", "s3-doc-examples"}) {
    const fs::path root = fs::path(S3STORM_TEST_DATA_DIR) / root_name;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() == ".authz") {
        cases.push_back({root, entry.path().parent_path(), entry.path().stem().string()});
      }
    }
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.dir < b.dir; });
  return cases;
}

class SuiteCase : public ::testing::TestWithParam<Case> {
 protected:
  std::string file(const std::string& ext) const {
    return read_file(GetParam().dir / (GetParam().name + ext));
  }
  bool has(const std::string& ext) const {
    return fs::exists(GetParam().dir / (GetParam().name + ext));
  }
};

// The two x-www-form cases shipped with a canonical request that does not hash to their string
// to sign (see data/aws-sig-v4-test-suite/SOURCES.md): only string to sign -> signature holds.
bool signature_only(const std::string& name) {
  return name.starts_with("post-x-www-form-urlencoded");
}

TEST_P(SuiteCase, StringToSignHashesCanonicalRequestAndSignsToAuthorization) {
  const Context ctx = read_context(GetParam().root);
  const auto time = AmzDate::parse(ctx.time);
  ASSERT_TRUE(time);
  Signer signer({ctx.access_key, ctx.secret_key, ""}, ctx.region, ctx.service);
  const std::string sts = file(".sts");
  EXPECT_EQ(signer.sign_string(sts, *time), signature_of(file(".authz")));
  if (!signature_only(GetParam().name)) {
    EXPECT_EQ(sts.substr(sts.rfind('\n') + 1), sha256_hex(file(".creq")));
  }
}

struct Prepared {
  RawRequest raw;
  std::string path, query, payload_hash;
};

Prepared prepare(const std::string& req_text, const Context& ctx) {
  Prepared p{parse_request(req_text), {}, {}, {}};
  const auto question = p.raw.target.find('?');
  const std::string path = p.raw.target.substr(0, question);
  if (is_s3_service(ctx.service)) {
    // S3 signs the path as sent, so bring it into its wire form first.
    append_wire_encoded(p.path, path, /*keep_slash=*/true);
  } else {
    // botocore's suite runner hands the raw path to the signer, which encodes it once.
    p.path = path;
  }
  if (question != std::string::npos) {
    append_wire_encoded(p.query, p.raw.target.substr(question + 1), false,
                        /*keep_query_delimiters=*/true);
  }
  p.payload_hash = sha256_hex(p.raw.body);
  for (const auto& [name, value] : p.raw.headers) {
    if (ascii::iequals(name, "x-amz-content-sha256")) {
      p.payload_hash.clear();
      append_trimmed_header_value(p.payload_hash, value);
    }
  }
  return p;
}

TEST_P(SuiteCase, CanonicalRequestFromRawRequestIsByteIdentical) {
  if (!has(".req") || signature_only(GetParam().name)) GTEST_SKIP() << "no usable .req";
  const Context ctx = read_context(GetParam().root);
  const Prepared p = prepare(file(".req"), ctx);
  std::vector<Header> headers;
  for (const auto& [name, value] : p.raw.headers) headers.push_back({name, value});

  SignatureWork work;
  std::string scope;
  append_credential_scope(scope, ctx.time.substr(0, 8), ctx.region, ctx.service);
  const HmacSha256Key key([&] {
    const Digest d =
        derive_signing_key(ctx.secret_key, ctx.time.substr(0, 8), ctx.region, ctx.service);
    return std::string(reinterpret_cast<const char*>(d.data()), d.size());
  }());
  work.compute(
      {p.raw.method, p.path, p.query, headers, p.payload_hash, path_rule_for_service(ctx.service)},
      ctx.time, scope, key);
  EXPECT_EQ(work.canonical_request, file(".creq"));
  EXPECT_EQ(work.string_to_sign, file(".sts"));
  EXPECT_EQ(work.signature, signature_of(file(".authz")));
}

TEST_P(SuiteCase, SignerApiProducesTheSameAuthorization) {
  if (!has(".req") || signature_only(GetParam().name)) GTEST_SKIP() << "no usable .req";
  const Context ctx = read_context(GetParam().root);
  const Prepared p = prepare(file(".req"), ctx);
  Credentials credentials{ctx.access_key, ctx.secret_key, ""};
  std::vector<Header> headers;
  for (const auto& [name, value] : p.raw.headers) {
    // The signer adds these itself; the request file lists them because it shows the result.
    if (ascii::iequals(name, "x-amz-date") || ascii::iequals(name, "x-amz-content-sha256"))
      continue;
    if (ascii::iequals(name, "x-amz-security-token")) {
      credentials.session_token = value;
      continue;
    }
    headers.push_back({name, value});
  }
  Signer signer(credentials, ctx.region, ctx.service);
  const auto time = AmzDate::parse(ctx.time);
  ASSERT_TRUE(time);
  const SigningResult& out =
      signer.sign({p.raw.method, p.path, p.query, headers, p.payload_hash}, *time);
  EXPECT_EQ(out.canonical_request, file(".creq"));
  EXPECT_EQ(out.signature, signature_of(file(".authz")));
  if (!is_s3_service(ctx.service)) {
    EXPECT_EQ(out.authorization, file(".authz"));
  }
  EXPECT_EQ(out.amz_date, ctx.time);
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.root.filename().string().substr(0, 3) + "_" + info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Data, SuiteCase, ::testing::ValuesIn(all_cases()), case_name);

TEST(SuiteData, AllCasesArePresent) {
  // 29 published generic cases + 2 reconstructed, and the 4 S3 header-auth examples: the walker
  // must not silently find fewer.
  std::size_t generic = 0, s3 = 0;
  for (const auto& c : all_cases()) {
    (c.root.filename() == "s3-doc-examples" ? s3 : generic)++;
  }
  EXPECT_EQ(generic, 31u);
  EXPECT_EQ(s3, 4u);
}

}  // namespace
}  // namespace s3storm::sigv4
