// SPDX-License-Identifier: Apache-2.0
// Reference values for Trustee (plumbing.md §3.1), made from coco's own JSON outputs:
//   measure snp → snp_launch_measurement          measure tdx → mr_td, rtmr_0 … rtmr_3
//   policy generate → snp_init_data (HOST_DATA), mr_config_id (MRCONFIGID), container_images
//   image hash → container_images (name@digest, the index digest when there is one)
// Names follow the attestation service's default EAR policy (ear_default_policy_cpu.rego:
// snp_launch_measurement, mr_td, rtmr_1, rtmr_2 are checked there; the others are for custom
// policies). Several inputs of a kind give several accepted values, in input order, deduplicated.
//
// Encodings (§3.1 table): TDX claims are lower-case hex in every release; SNP measurement and
// init_data were base64 up to v0.17.x and are hex from v0.18.0 (trustee d7831293). A reference
// value must equal the claim byte for byte, so the encoding follows the Trustee version.
//
// Outputs: the RVPS "sample" registration message {"version": "0.1.0", "type": "sample",
// "payload": base64(JSON name → [values])} and the stored form the trustee-operator mounts from
// its ConfigMap, [{"version": "0.1.0", "name", "expiration": "%Y-%m-%dT%H:%M:%SZ", "value"}].
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/statement.h"
#include "util/output.h"

namespace coco::attest {

enum class RefEncoding { Hex, Base64 };
std::string to_string(RefEncoding e);
RefEncoding parse_ref_encoding(std::string_view name);  // throws coco::Error (Usage)

struct TrusteeVersion {
  int major = 0, minor = 0, patch = 0;
  std::string text() const;  // "0.18.0"
};
TrusteeVersion parse_trustee_version(std::string_view text);  // "v0.18.0", "0.18.0", "0.18"; Usage error
RefEncoding snp_encoding_for(const TrusteeVersion& v);         // base64 before 0.18.0, else hex

struct NamedInput {
  std::string name;  // file name, for messages and the signed predicate
  std::string text;  // its JSON
};

struct RefvalInputs {
  std::vector<NamedInput> snp, tdx, policy, image_hashes;
};

struct ReferenceValue {
  std::string name;
  std::vector<std::string> values;
  std::vector<std::string> sources;  // the input files the values came from
};

// Reads every input (throwing coco::Error naming the file and the field on malformed JSON) and
// returns the reference values, names in a fixed order. Throws (Usage) when there is no input.
std::vector<ReferenceValue> collect_reference_values(const RefvalInputs& inputs, RefEncoding snp_encoding);

// "2027-01-01" or "2027-01-01T00:00:00Z" → "2027-01-01T00:00:00Z"; throws (Usage) otherwise.
std::string parse_expiration(std::string_view text);
std::string expiration_one_year_from_now();

Json trustee_rvps_message(const std::vector<ReferenceValue>& values);
Json trustee_configmap(const std::vector<ReferenceValue>& values, const std::string& expiration);
Json refvals_json(const std::vector<ReferenceValue>& values, RefEncoding snp_encoding,
                  const std::optional<TrusteeVersion>& version, const std::string& expiration);

// What `refvals --sign-key` signs: the written document (its file name and SHA-256) as the
// subject; the predicate records `settings` and every input file by SHA-256.
Statement refvals_statement(const std::string& output_name, std::string_view document, const RefvalInputs& inputs,
                            const Json& settings);

}  // namespace coco::attest
