// SPDX-License-Identifier: Apache-2.0
// Errors and exit codes (ARCHITECTURE.md "Conventions"). One error type for the whole library:
// the message names the input and the place, the kind decides the exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace coco {

enum class Exit : int {
  Ok = 0,
  Failure = 1,    // bad input, mismatch, verification failed
  Usage = 2,      // bad flags or arguments
  Transient = 3,  // network, registry 5xx/429: worth retrying
};

class Error : public std::runtime_error {  // what() == where + ": " + message
 public:
  Error(Exit kind, const std::string& where, const std::string& message);
  Error(Exit kind, const std::string& message);  // when there is no input to name
  Exit kind() const noexcept { return kind_; }

 private:
  Exit kind_;
};

// The common case: a named input is bad at a place.
[[noreturn]] void fail(const std::string& where, const std::string& message);
[[noreturn]] void usage_error(const std::string& message);

}  // namespace coco
