#pragma once

// One operation's failures as a line of counts, shared by the text view and the JUnit failure
// text: "NoSuchKey 7, SlowDown 2, HTTP 503 2, no response 1".

#include <string>

#include "stats/op_stats.hpp"

namespace s3storm::report {

// By S3 code, then by HTTP status (0: no response). A status that is already listed as a code
// ("HTTP 404": a reply without an S3 error document) is not listed twice. Empty without errors.
std::string format_error_counts(const stats::OpStats& op);

}  // namespace s3storm::report
