// SPDX-License-Identifier: Apache-2.0
// The result of `evidence verify` and `evidence check`: one line per check, passed, failed or
// skipped, each with the reason. The command exits 1 when any line failed.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "util/output.h"

namespace coco::evidence {

enum class Status { Pass, Fail, Skip };
std::string status_name(Status s);  // "passed", "failed", "skipped"

struct CheckLine {
  std::string name;
  Status status = Status::Pass;
  std::string detail;  // why it passed (what was compared) or why it failed
};

class CheckList {
 public:
  void add(std::string name, bool passed, std::string detail) {
    lines_.push_back({std::move(name), passed ? Status::Pass : Status::Fail, std::move(detail)});
  }
  void skip(std::string name, std::string detail) { lines_.push_back({std::move(name), Status::Skip, std::move(detail)}); }
  const std::vector<CheckLine>& lines() const { return lines_; }
  bool ok() const;
  std::size_t count(Status s) const;
  const CheckLine* find(const std::string& name) const;  // nullptr when absent
  Json to_json() const;

 private:
  std::vector<CheckLine> lines_;
};

class Cert;
// Adds "<role> validity": passed with the certificate's end date when it is valid at `at`, failed
// with the reason otherwise.
void check_validity(CheckList& out, const std::string& role, const Cert& cert, std::time_t at);

}  // namespace coco::evidence
