// `s3storm sign`: shows how one request is signed (canonical request, string to sign, headers or
// presigned URL), so a user facing SignatureDoesNotMatch can compare with what the server computed.

#include <fmt/core.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "aws_config/credential_source.hpp"
#include "aws_config/refreshing_credentials.hpp"
#include "cli/aws_options.hpp"
#include "cli/commands.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"
#include "util/ascii.hpp"
#include "util/hex.hpp"
#include "util/url.hpp"
#include "util/usage_error.hpp"

namespace s3storm::cli {
namespace {

using namespace s3storm::sigv4;

struct SignOptions {
  std::string method;
  std::string url;
  std::vector<std::string> headers;
  std::string body_file;
  std::string payload_hash;
  bool unsigned_payload = false;
  std::string region;
  std::string service = "s3";
  std::string time;
  std::string access_key;
  std::string secret_key;
  std::string session_token;
  std::string profile;
  std::optional<long long> presign;
  bool json = false;
};

struct ParsedUrl {
  std::string scheme;     // lower-case
  std::string authority;  // host[:port] as given, for the printed URL
  std::string host_header;
  std::string path;   // wire form
  std::string query;  // wire form, no '?'
};

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

ParsedUrl parse_url(const std::string& url) {
  std::string_view why;
  const auto split = split_http_url(url, &why);
  if (!split) throw UsageError("--url: " + std::string(why) + ": " + url);
  ParsedUrl out;
  out.scheme = split->https ? "https" : "http";
  out.authority = split->authority;  // the printed URL keeps the host as the user wrote it
  out.host_header = host_header(ascii::lower_copy(split->host), split->port, split->https);
  const std::string target = split->target.substr(0, split->target.find('#'));  // never sent

  const std::size_t question = target.find('?');
  const std::string path = target.substr(0, question);
  append_wire_encoded(out.path, path.empty() ? "/" : path, /*keep_slash=*/true);
  if (question != std::string::npos) {
    append_wire_encoded(out.query, target.substr(question + 1), false,
                        /*keep_query_delimiters=*/true);
  }
  return out;
}

std::string hash_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("--body-file: cannot read " + path);
  Sha256 hash;
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw UsageError("--body-file: error reading " + path);
  return hex::encode(hash.finish());
}

struct GivenHeader {
  std::string name;
  std::string value;
};

std::vector<GivenHeader> parse_headers(const std::vector<std::string>& given) {
  std::vector<GivenHeader> out;
  for (const std::string& text : given) {
    const auto colon = text.find(':');
    if (colon == std::string::npos)
      throw UsageError("--header: expected 'Name: value', got '" + text + "'");
    std::string name = text.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    if (!is_token(name)) throw UsageError("--header: invalid header name '" + name + "'");
    std::string_view value = std::string_view(text).substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    const std::string lowered = ascii::lower_copy(name);
    if (lowered == "authorization" || lowered == "x-amz-date" ||
        lowered == "x-amz-content-sha256" || lowered == "x-amz-security-token") {
      throw UsageError("--header: " + name +
                       " is set by sign itself (use --time, --payload-hash, --unsigned-payload or "
                       "--session-token)");
    }
    out.push_back({name, std::string(value)});
  }
  return out;
}

Credentials credentials_for(const SignOptions& options, const aws_config::AwsConfig& aws) {
  if (!options.access_key.empty()) {
    if (options.secret_key.empty()) throw UsageError("--access-key needs --secret-key");
    return {options.access_key, options.secret_key, options.session_token};
  }
  if (!options.secret_key.empty() || !options.session_token.empty()) {
    throw UsageError("--secret-key and --session-token need --access-key");
  }
  return aws_config::RefreshingCredentials(aws_config::require_credential_source(aws)).current();
}

std::string payload_hash_for(const SignOptions& options, bool s3) {
  const bool any_payload_flag =
      !options.body_file.empty() || !options.payload_hash.empty() || options.unsigned_payload;
  if (options.presign && s3) {
    if (any_payload_flag) {
      throw UsageError(
          "--presign signs UNSIGNED-PAYLOAD for s3; drop "
          "--body-file/--payload-hash/--unsigned-payload");
    }
    return std::string(kUnsignedPayload);
  }
  if (options.unsigned_payload) return std::string(kUnsignedPayload);
  if (!options.payload_hash.empty()) {
    if (!is_lower_hex_sha256(options.payload_hash)) {
      throw UsageError("--payload-hash: expected 64 lower-case hex digits (SHA-256)");
    }
    return options.payload_hash;
  }
  if (!options.body_file.empty()) return hash_file(options.body_file);
  return std::string(kEmptyPayloadHash);
}

int run_sign(const SignOptions& options) {
  std::string method = options.method;
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!is_token(method)) throw UsageError("--method: invalid method '" + options.method + "'");
  if (options.service.empty() || options.service.find('/') != std::string::npos) {
    throw UsageError("--service: invalid service '" + options.service + "'");
  }
  if (options.presign && (*options.presign < 1 || *options.presign > kMaxPresignExpiry.count())) {
    throw UsageError("--presign: expiry must be between 1 and 604800 seconds");
  }
  const ParsedUrl url = parse_url(options.url);
  const std::vector<GivenHeader> given = parse_headers(options.headers);

  AmzDate time = AmzDate::from_time(std::chrono::system_clock::now());
  if (!options.time.empty()) {
    const auto parsed = AmzDate::parse(options.time);
    if (!parsed) throw UsageError("--time: expected YYYYMMDDTHHMMSSZ, got '" + options.time + "'");
    time = *parsed;
  }
  const auto aws = load_aws_config(options.profile);
  std::string region = options.region;
  if (region.empty()) {
    if (const auto found = aws.region()) region = found->value;
    if (region.empty())
      throw UsageError("--region is required (or set AWS_REGION / AWS_DEFAULT_REGION)");
  }
  const bool s3 = is_s3_service(options.service);
  const std::string payload_hash = payload_hash_for(options, s3);
  Signer signer(credentials_for(options, aws), region, options.service);

  std::vector<Header> headers;
  bool has_host = false;
  for (const auto& header : given) has_host = has_host || ascii::iequals(header.name, "host");
  if (!has_host) headers.push_back({"host", url.host_header});
  for (const auto& header : given) headers.push_back({header.name, header.value});

  const RequestToSign request{method, url.path, url.query, headers, payload_hash};
  const SigningResult& out =
      options.presign ? signer.presign(request, time, std::chrono::seconds(*options.presign))
                      : signer.sign(request, time);

  // Headers to send, in the order a client would write them; repeated names joined as sent.
  nlohmann::ordered_json to_send = nlohmann::ordered_json::object();
  const auto add = [&](const std::string& name, std::string_view value) {
    if (to_send.contains(name)) {
      to_send[name] = to_send[name].get<std::string>() + "," + std::string(value);
    } else {
      to_send[name] = std::string(value);
    }
  };
  if (!has_host) add("Host", url.host_header);
  for (const auto& header : given) add(header.name, header.value);
  std::string presigned_url;
  if (options.presign) {
    presigned_url =
        url.scheme + "://" + url.authority + url.path + "?" + std::string(out.presigned_query);
  } else {
    add("X-Amz-Date", out.amz_date);
    if (!out.content_sha256.empty()) add("X-Amz-Content-SHA256", out.content_sha256);
    if (!out.security_token.empty()) add("X-Amz-Security-Token", out.security_token);
    add("Authorization", out.authorization);
  }

  if (options.json) {
    nlohmann::ordered_json doc;
    doc["canonical_request"] = std::string(out.canonical_request);
    doc["string_to_sign"] = std::string(out.string_to_sign);
    doc["signature"] = std::string(out.signature);
    doc["signed_headers"] = std::string(out.signed_headers);
    if (options.presign) {
      doc["url"] = presigned_url;
    } else {
      doc["authorization"] = std::string(out.authorization);
    }
    doc["headers"] = to_send;
    fmt::print("{}\n", doc.dump(2));
    return 0;
  }
  fmt::print("Canonical request:\n{}\n\nString to sign:\n{}\n\nSignature: {}\n",
             out.canonical_request, out.string_to_sign, out.signature);
  if (options.presign) fmt::print("\nURL:\n{}\n", presigned_url);
  fmt::print("\nHeaders to send:\n");
  for (const auto& [name, value] : to_send.items())
    fmt::print("{}: {}\n", name, value.get<std::string>());
  return 0;
}

}  // namespace

void add_sign_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<SignOptions>();
  auto* sub = app.add_subcommand("sign", "Show how one request is signed (SigV4)");
  sub->add_option("--method", options->method, "HTTP method")->required();
  sub->add_option("--url", options->url, "Request URL as it goes on the wire")->required();
  sub->add_option("--header", options->headers,
                  "A header to send and sign, 'Name: value' (repeatable)");
  auto* body =
      sub->add_option("--body-file", options->body_file, "File whose SHA-256 is the payload hash");
  auto* hash = sub->add_option("--payload-hash", options->payload_hash,
                               "Precomputed hex SHA-256 of the body");
  auto* unsigned_payload = sub->add_flag("--unsigned-payload", options->unsigned_payload,
                                         "Sign UNSIGNED-PAYLOAD instead of a hash");
  body->excludes(hash)->excludes(unsigned_payload);
  hash->excludes(unsigned_payload);
  sub->add_option("--region", options->region,
                  "Signing region (default: AWS_REGION, AWS_DEFAULT_REGION, profile)");
  sub->add_option("--service", options->service, "Signing service name")->capture_default_str();
  sub->add_option("--time", options->time, "Signing time YYYYMMDDTHHMMSSZ (default: now)");
  sub->add_option("--access-key", options->access_key,
                  "Access key id (default: the AWS credential chain)");
  sub->add_option("--secret-key", options->secret_key, "Secret access key (never printed)");
  sub->add_option("--session-token", options->session_token,
                  "Session token for temporary credentials");
  add_profile_option(sub, options->profile);
  sub->add_option("--presign", options->presign, "Presign a URL valid for SECONDS instead")
      ->type_name("SECONDS");
  sub->add_flag("--json", options->json, "Print one JSON object");
  sub->callback([&action, options] { action = [options] { return run_sign(*options); }; });
}

}  // namespace s3storm::cli
