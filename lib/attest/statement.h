// in-toto Statement v1 (github.com/in-toto/attestation spec/v1/statement.md; plumbing.md §3.3):
// {"_type", "subject": [{"name", "digest": {"sha256": hex}}], "predicateType": URI, "predicate"}.
// Subjects are the files a signature speaks for, named by their file name (not the directory
// they happened to sit in when signed) so a bundle verifies wherever the files are copied.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"
#include "util/output.h"

namespace coco::attest {

inline constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";
// coco's predicate types: plain signed files, a generated pod policy, Trustee reference values.
inline constexpr std::string_view kFilesPredicate = "https://coco-tools.github.io/attestation/files/v1";
inline constexpr std::string_view kPolicyPredicate = "https://coco-tools.github.io/attestation/pod-policy/v1";
inline constexpr std::string_view kRefvalsPredicate = "https://coco-tools.github.io/attestation/reference-values/v1";

struct Subject {
  std::string name;
  std::string sha256;  // lower-case hex
};

struct Statement {
  std::vector<Subject> subjects;
  std::string predicate_type;
  Json predicate = Json::object();
};

// The subject of a file: its file name and streamed SHA-256.
Subject file_subject(const std::string& path);
Subject bytes_subject(const std::string& name, Bytes content);

// Compact JSON, keys in the order above. Throws (Usage) for no subjects or duplicate names.
std::string statement_json(const Statement& statement);
// Throws coco::Error naming `where` and the field for anything that is not a v1 (or v0.1)
// Statement with at least one subject carrying a 64-hex-digit sha256.
Statement parse_statement(Bytes payload, const std::string& where);

}  // namespace coco::attest
