// SPDX-License-Identifier: Apache-2.0
// in-toto Statement v1 (github.com/in-toto/attestation spec/v1/statement.md; plumbing.md §3.3):
// {"_type", "subject": [{"name", "digest": {"sha256": hex}}], "predicateType": URI, "predicate"}.
// A subject's digest is SHA-256 for files; a pod's initdata subject carries the digest the TEE
// reports (sha256, sha384 or sha512, policy.md §4).
// Subjects are the files a signature speaks for, named by their file name (not the directory
// they happened to sit in when signed) so a bundle verifies wherever the files are copied.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"
#include "util/digest.h"
#include "util/output.h"

namespace coco::attest {

inline constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";
// coco's predicate types: plain signed files, a generated pod policy, Trustee reference values.
inline constexpr std::string_view kFilesPredicate = "https://coco-tools.github.io/attestation/files/v1";
inline constexpr std::string_view kPolicyPredicate = "https://coco-tools.github.io/attestation/pod-policy/v1";
inline constexpr std::string_view kRefvalsPredicate = "https://coco-tools.github.io/attestation/reference-values/v1";

struct Subject {
  std::string name;
  Algo algo = Algo::Sha256;
  std::string digest;  // lower-case hex
  std::string text() const { return algo_name(algo) + ":" + digest; }  // "sha256:…"
};

struct Statement {
  std::vector<Subject> subjects;
  std::string predicate_type;
  Json predicate = Json::object();
};

// The subject of a file: its file name and streamed SHA-256.
Subject file_subject(const std::string& path);
Subject bytes_subject(const std::string& name, Bytes content);

// What `policy generate --sign-key` signs: one subject per pod, named
// "<namespace>/<kind>/<name>.initdata.toml" (or ".rego" for the legacy policy annotation) with
// the digest the TEE reports for it (HOSTDATA / MRCONFIGID come from it); the predicate records
// each pod's pinned images and the generator settings.
struct PodBinding {
  std::string kind, name, namespace_;
  bool initdata = true;  // else the legacy agent-policy annotation
  Algo algo = Algo::Sha256;
  std::string digest;               // hex
  std::vector<std::string> images;  // name@sha256:…
};
Statement policy_statement(const std::vector<PodBinding>& pods, const Json& settings);

// Compact JSON, keys in the order above. Throws (Usage) for no subjects or duplicate names.
std::string statement_json(const Statement& statement);
// Throws coco::Error naming `where` and the field for anything that is not a v1 (or v0.1)
// Statement with at least one subject carrying a sha256, sha384 or sha512 digest (the first of
// those present is the one checked).
Statement parse_statement(Bytes payload, const std::string& where);

}  // namespace coco::attest
