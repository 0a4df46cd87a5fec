// SPDX-License-Identifier: Apache-2.0
#include "evidence/checks.h"

#include "evidence/x509.h"

namespace coco::evidence {

std::string status_name(Status s) {
  switch (s) {
    case Status::Pass: return "passed";
    case Status::Fail: return "failed";
    case Status::Skip: return "skipped";
  }
  return "";
}

bool CheckList::ok() const { return count(Status::Fail) == 0; }

std::size_t CheckList::count(Status s) const {
  std::size_t n = 0;
  for (const auto& l : lines_) n += l.status == s ? 1 : 0;
  return n;
}

const CheckLine* CheckList::find(const std::string& name) const {
  for (const auto& l : lines_)
    if (l.name == name) return &l;
  return nullptr;
}

Json CheckList::to_json() const {
  Json out = Json::array();
  for (const auto& l : lines_) out.push_back({{"check", l.name}, {"status", status_name(l.status)}, {"detail", l.detail}});
  return out;
}

void check_validity(CheckList& out, const std::string& role, const Cert& cert, std::time_t at) {
  const std::string why = cert.validity_problem(at);
  out.add(role + " validity", why.empty(),
          why.empty() ? cert.subject_cn() + " valid until " + cert.not_after_text() : cert.subject_cn() + " " + why);
}

}  // namespace coco::evidence
