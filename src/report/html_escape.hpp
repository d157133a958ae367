#pragma once

#include <string>
#include <string_view>

namespace s3storm::report::html {

// Text made safe for HTML/XML element content and quoted attribute values: & < > " ' become
// character references. Scenario names, object keys and S3 error messages pass through here, so a
// hostile key cannot add markup to the report.
std::string escape(std::string_view text);

}  // namespace s3storm::report::html
