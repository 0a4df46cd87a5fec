// SPDX-License-Identifier: Apache-2.0
// Parsing OCI / Docker v2 manifests, indexes and image configs (OCI image-spec manifest.md,
// image-index.md, config.md; plumbing.md §1.1 steps 4-6) and choosing a platform from an index.
// Parsers take the exact bytes that were digested; nothing is re-serialised.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/image_config.h"

namespace coco::oci {

struct Platform {
  std::string os, architecture, variant;
  std::string str() const;  // "linux/arm64/v8"
};
Platform parse_platform(const std::string& text);  // "os/arch[/variant]"; throws (Usage)
Platform host_platform();

struct Descriptor {
  std::string media_type, digest;
  std::uint64_t size = 0;
  std::optional<Platform> platform;
  std::map<std::string, std::string> annotations;
};

bool is_index_type(std::string_view media_type);
bool is_manifest_type(std::string_view media_type);

struct Index {
  std::vector<Descriptor> manifests;
};
struct Manifest {
  std::string media_type;
  Descriptor config;
  std::vector<Descriptor> layers;
};

// What a manifest-or-index document is: from its own mediaType, else the transport's content
// type, else its shape. Schema 1 is refused (its signatures prove nothing, its digests differ).
std::string document_type(std::string_view body, const std::string& content_type, const std::string& where);
Index parse_index(std::string_view body, const std::string& where);
Manifest parse_manifest(std::string_view body, const std::string& where);
Descriptor parse_descriptor(const nlohmann::ordered_json& j, const std::string& where);

// The entry for `want` (arm64 without a variant means v8); attestation entries are skipped.
// Throws naming the platforms the index has when none matches.
const Descriptor& select_platform(const Index& index, const Platform& want, const std::string& where);

// Verifies "sha256:<hex>" (or sha512) over the bytes; a mismatch is an error.
void verify_digest(std::string_view body, const std::string& digest, const std::string& where);
std::string sha256_digest(std::string_view body);  // "sha256:<hex>"

}  // namespace coco::oci
