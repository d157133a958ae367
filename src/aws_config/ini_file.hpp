#pragma once

// The INI dialect of the AWS shared files (~/.aws/config, ~/.aws/credentials): "[section]",
// "key = value" (or "key : value"), '#'/';' comment lines, and indented nested blocks under a key
// with no value, which are kept as "parent.child":
//
//   [profile x]                       ini["profile x"]["s3.addressing_style"] == "path"
//   s3 =
//     addressing_style = path
//   [services local]                  ini["services local"]["s3.endpoint_url"]
//   s3 =
//     endpoint_url = http://127.0.0.1:9000
//
// Keys are lower-cased; values are kept as written, trimmed.

#include <map>
#include <string>
#include <string_view>

namespace s3storm::aws_config {

using IniSection = std::map<std::string, std::string>;
using IniFile = std::map<std::string, IniSection>;

// Throws s3storm::UsageError with file:line:column on a line it cannot read.
IniFile parse_aws_ini(std::string_view text, std::string_view file_name);

// The file's sections, or none when it does not exist (as for the AWS CLI).
IniFile load_aws_ini(const std::string& path);

}  // namespace s3storm::aws_config
