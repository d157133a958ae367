#pragma once

// One operation's failures as a line of counts, shared by the text view and the JUnit failure
// text: "NoSuchKey 7, SlowDown 2, HTTP 503 2, timeout 1".

#include <string>

#include "stats/op_stats.hpp"

namespace s3storm::report {

// By S3 code, then by HTTP status. A status that is already listed as a code ("HTTP 404": a reply
// without an S3 error document) is not listed twice, and neither is "no response" (status 0): a
// failure without a reply always carries its transport code ("timeout", "reset", ...). Empty
// without errors.
std::string format_error_counts(const stats::OpStats& op);

}  // namespace s3storm::report
