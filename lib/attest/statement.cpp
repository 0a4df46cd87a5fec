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
  return {std::filesystem::path(path).filename().string(), to_hex(digest_file(Algo::Sha256, path))};
}

Subject bytes_subject(const std::string& name, Bytes content) {
  return {name, to_hex(digest(Algo::Sha256, content))};
}

std::string statement_json(const Statement& statement) {
  if (statement.subjects.empty()) throw Error(Exit::Usage, "a statement needs at least one subject");
  std::set<std::string> names;
  Json subjects = Json::array();
  for (const auto& s : statement.subjects) {
    if (!names.insert(s.name).second)
      throw Error(Exit::Usage, "two subjects are named '" + s.name + "'; sign files with distinct names");
    subjects.push_back({{"name", s.name}, {"digest", {{"sha256", s.sha256}}}});
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
    if (!s.contains("digest") || !s["digest"].is_object() || !s["digest"].contains("sha256") ||
        !s["digest"]["sha256"].is_string())
      fail(w, path + ".digest.sha256: expected a string");
    const std::string hex = s["digest"]["sha256"].get<std::string>();
    if (!is_lower_hex(hex, 64)) fail(w, path + ".digest.sha256: expected 64 lower-case hex digits");
    st.subjects.push_back({s["name"].get<std::string>(), hex});
  }
  return st;
}

}  // namespace coco::attest
