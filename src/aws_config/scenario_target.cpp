#include "aws_config/scenario_target.hpp"

#include <filesystem>

#include "util/url.hpp"
#include "util/usage_error.hpp"

namespace s3storm::aws_config {

void apply_to_target(const AwsConfig& config, scenario::Target& target) {
  if (!target.endpoint_given) {
    if (const auto url = config.endpoint_url("s3")) {
      std::string_view why;
      const auto split = split_http_url(url->value, &why);
      if (!split || (!split->target.empty() && split->target != "/")) {
        throw UsageError(url->source + ": endpoint '" + url->value + "' must be " +
                         "http(s)://host[:port]" + (split ? "" : " (" + std::string(why) + ")"));
      }
      target.endpoint = std::string(split->https ? "https://" : "http://") + split->authority;
      target.scheme = split->https ? "https" : "http";
      target.host = split->host;
      target.port = split->port;
    }
  }
  if (!target.region_given) {
    if (const auto region = config.region()) target.region = region->value;
  }
  if (!target.addressing_given) {
    if (const auto style = config.addressing_style()) {
      target.addressing = style->value == "virtual" ? scenario::Addressing::kVirtualHost
                                                    : scenario::Addressing::kPath;
    }
  }
  if (target.tls.ca_file.empty()) {
    if (const auto bundle = config.ca_bundle()) {
      if (!std::filesystem::is_regular_file(bundle->value)) {
        throw UsageError(bundle->source + ": CA bundle '" + bundle->value + "' is not a file");
      }
      target.tls.ca_file = bundle->value;
    }
  }
}

}  // namespace s3storm::aws_config
