// SPDX-License-Identifier: Apache-2.0
// Initdata (policy.md §4): the canonical TOML document that carries the policy, its gzip+base64
// annotation form, and the digest the hardware reports. The digest is hash(algorithm, exact TOML
// bytes) with no canonicalisation on the verifier side, so coco fixes the bytes: keys in a fixed
// order (version, algorithm, then data keys sorted), one quoting rule, and a gzip stream with a
// constant header (mtime 0, OS 255) so that the annotation is reproducible too.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"
#include "util/digest.h"

namespace coco::policy {

inline constexpr const char* kInitdataAnnotation = "io.katacontainers.config.hypervisor.cc_init_data";
inline constexpr const char* kPolicyAnnotation = "io.katacontainers.config.agent.policy";

// version = "0.1.0", algorithm, then [data] with each key as a TOML string.
std::string initdata_toml(Algo algo, const std::map<std::string, std::string>& data);

std::string gzip(std::string_view data);  // deterministic header, zlib's default level (6)

// Many initdata documents of one run share their first ~27 KB (the header, the entries before
// policy.rego and the rules text) and differ only in the policy data after it. GzipPrefix
// compresses that prefix once and continues a copy of the compressor for each document
// (deflateCopy). zlib's output does not depend on how its input is split between deflate() calls
// without a flush (it only decides once MIN_LOOKAHEAD bytes are buffered, or at Z_FINISH), so the
// result is gzip(text) byte for byte; tests/policy/initdata_test.cpp checks it against gzip().
// A text that does not start with the prefix is compressed whole. compress() is const and may be
// called from several threads at once (deflateCopy only reads the primed state).
class GzipPrefix {
 public:
  explicit GzipPrefix(std::string prefix);
  ~GzipPrefix();
  GzipPrefix(const GzipPrefix&) = delete;
  GzipPrefix& operator=(const GzipPrefix&) = delete;

  const std::string& prefix() const { return prefix_; }
  std::string compress(std::string_view text) const;       // == gzip(text)
  std::string compress_rest(std::string_view rest) const;  // == gzip(prefix() + rest)

 private:
  struct Primed;
  std::string prefix_;
  std::unique_ptr<Primed> primed_;  // null when the prefix is empty
};

// Inflates a gzip stream, refusing more than `max_size` bytes of output (gzip bombs).
std::string gunzip(Bytes data, const std::string& where, std::size_t max_size = 16 << 20);

struct Binding {
  Algo algo = Algo::Sha256;
  ByteVec digest;      // hash of the bound bytes
  ByteVec hostdata;    // SNP HOSTDATA: 32 bytes, truncated or zero-padded at the end
  ByteVec mrconfigid;  // TDX MRCONFIGID: 48 bytes, likewise
};
Binding bind(Algo algo, std::string_view bytes);
Binding binding_of(Algo algo, ByteVec digest);  // the same from a digest already taken

// The initdata documents of one run (issue 17). Every pod's TOML is the same text around its own
// policy data: prefix ‖ data ‖ tail, with policy.rego = policy_head ‖ data ‖ "\n" written as a
// literal string. The prefix (the header, the entries before policy.rego, the rules) is compressed
// and hashed once, so a pod's document costs only its data. The bytes are those of initdata_toml,
// bind and gzip on the whole text (tests/policy/initdata_test.cpp). The writes are const and may be
// called from several threads at once.
class SharedInitdata {
 public:
  // `entries`: the data entries besides policy.rego; `policy_head`: the policy text before its data.
  SharedInitdata(Algo algo, std::map<std::string, std::string> entries, const std::string& policy_head);

  struct Document {
    Binding binding;
    std::string annotation;  // base64(gzip(toml))
  };
  // The document of `entries` and policy.rego = policy_head ‖ data ‖ "\n": around the data when
  // write_around can, else written whole (entries of the pod's own, or data it declines).
  Document write(const std::map<std::string, std::string>& entries, std::string_view data) const;
  // nullopt when the document is not prefix ‖ data ‖ tail: data that a literal string cannot hold
  // (three quotes in a row, a control character), or a policy head that already could not.
  std::optional<Document> write_around(std::string_view data) const;

 private:
  Algo algo_;
  std::map<std::string, std::string> entries_;
  std::string head_;
  std::string tail_;
  bool usable_ = false;
  Hasher prefix_hash_;
  GzipPrefix gz_;
};

// An initdata document as a user or another tool wrote it (issue 15 item 11: an existing
// annotation is merged, not overwritten). The TOML subset initdata uses: top-level `version` and
// `algorithm`, a [data] table of strings (basic, literal, multi-line), comments, blank lines.
// Anything else (another table, a dotted key, a non-string value) is named in `unsupported`.
struct Initdata {
  std::string version, algorithm;
  std::map<std::string, std::string> data;
  std::vector<std::string> unsupported;  // "line 7: [other]"
};
Initdata parse_initdata_toml(std::string_view toml, const std::string& where);
// The annotation's value: base64 of a gzip stream of the TOML.
Initdata decode_initdata_annotation(const std::string& value, const std::string& where);

// Reads the top-level `algorithm` of an initdata TOML (and checks `version`).
Algo initdata_algorithm(std::string_view toml, const std::string& where);

}  // namespace coco::policy
