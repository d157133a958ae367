#pragma once

#include <stdexcept>

namespace s3storm {

// Bad input from the user (a flag, a file, a scenario): reported as one line, exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace s3storm
