// SPDX-License-Identifier: Apache-2.0
#include "attest/statement.h"

#include <filesystem>
#include <set>

#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::attest {
namespace {

bool is_lower_hex(const std::string& s, std::size_t length) {
  if (s.size() != length) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

Subject file_subject(const std::string& path) {
  return {std::filesystem::path(path).filename().string(), Algo::Sha256, to_hex(digest_file(Algo::Sha256, path))};
}

Subject bytes_subject(const std::string& name, Bytes content) {
  return {name, Algo::Sha256, to_hex(digest(Algo::Sha256, content))};
}

Statement policy_statement(const std::vector<PodBinding>& pods, const Json& settings) {
  Statement st;
  st.predicate_type = std::string(kPolicyPredicate);
  Json described = Json::array();
  for (const PodBinding& p : pods) {
    const std::string ns = p.namespace_.empty() ? "default" : p.namespace_;
    st.subjects.push_back({ns + "/" + p.kind + "/" + p.name + (p.initdata ? ".initdata.toml" : ".rego"), p.algo, p.digest});
    described.push_back({{"kind", p.kind}, {"name", p.name}, {"namespace", ns},
                         {"bound", p.initdata ? "initdata" : "agent-policy"}, {"images", p.images}});
  }
  st.predicate = {{"pods", std::move(described)}, {"settings", settings}};
  return st;
}

std::string statement_json(const Statement& statement) {
  if (statement.subjects.empty()) throw Error(Exit::Usage, "a statement needs at least one subject");
  std::set<std::string> names;
  Json subjects = Json::array();
  for (const auto& s : statement.subjects) {
    if (!names.insert(s.name).second)
      throw Error(Exit::Usage, "two subjects are named '" + s.name + "'; sign files with distinct names");
    subjects.push_back({{"name", s.name}, {"digest", {{algo_name(s.algo), s.digest}}}});
  }
  const Json j = {{"_type", kStatementType},
                  {"subject", std::move(subjects)},
                  {"predicateType", statement.predicate_type},
                  {"predicate", statement.predicate}};
  return j.dump();
}

Statement parse_statement(Bytes payload, const std::string& where) {
  const std::string w = where + ": payload";
  const Json j = parse_json(as_chars(payload), w);
  if (!j.is_object()) fail(w, "the in-toto statement is not a JSON object");
  const auto type = j.find("_type");
  if (type == j.end() || !type->is_string() ||
      (*type != kStatementType && *type != "https://in-toto.io/Statement/v0.1"))
    fail(w, "_type: expected \"" + std::string(kStatementType) + "\"");
  Statement st;
  const auto pt = j.find("predicateType");
  if (pt == j.end() || !pt->is_string()) fail(w, "predicateType: expected a string");
  st.predicate_type = pt->get<std::string>();
  if (const auto p = j.find("predicate"); p != j.end()) st.predicate = *p;
  const auto subjects = j.find("subject");
  if (subjects == j.end() || !subjects->is_array() || subjects->empty())
    fail(w, "subject: expected a non-empty array");
  for (std::size_t i = 0; i < subjects->size(); ++i) {
    const Json& s = (*subjects)[i];
    const std::string path = "subject[" + std::to_string(i) + "]";
    if (!s.is_object() || !s.contains("name") || !s["name"].is_string()) fail(w, path + ".name: expected a string");
    if (!s.contains("digest") || !s["digest"].is_object()) fail(w, path + ".digest: expected an object");
    const Json& d = s["digest"];
    Subject subject{s["name"].get<std::string>(), Algo::Sha256, ""};
    for (Algo a : {Algo::Sha256, Algo::Sha384, Algo::Sha512}) {
      const auto it = d.find(algo_name(a));
      if (it == d.end()) continue;
      const std::string where_digest = path + ".digest." + algo_name(a);
      if (!it->is_string() || !is_lower_hex(it->get<std::string>(), 2 * digest_size(a)))
        fail(w, where_digest + ": expected " + std::to_string(2 * digest_size(a)) + " lower-case hex digits");
      subject.algo = a;
      subject.digest = it->get<std::string>();
      break;
    }
    if (subject.digest.empty()) fail(w, path + ".digest: no sha256, sha384 or sha512 digest");
    st.subjects.push_back(std::move(subject));
  }
  return st;
}

}  // namespace coco::attest
