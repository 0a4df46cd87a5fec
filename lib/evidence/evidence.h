// SPDX-License-Identifier: Apache-2.0
// Reading evidence as users have it: an SEV-SNP report or a TDX quote, raw, as hex or base64
// text, inside an Azure HCL report ("HCLA" header, SNP report at 0x20, runtime claims after it),
// or inside JSON with a `quote` / `report` / `attestation_report` member (a string or an array of
// byte values; Azure's JSON also carries the VCEK PEM as `vcek`). Wrappers are peeled at most
// kMaxWrapperDepth times, so a document that wraps itself cannot recurse forever.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "evidence/snp_report.h"
#include "evidence/tdx_quote.h"
#include "evidence/x509.h"

namespace coco::evidence {

inline constexpr int kMaxWrapperDepth = 4;

enum class Kind { Snp, Tdx };

struct Evidence {
  Kind kind = Kind::Snp;
  std::string source;                 // the file name, for messages
  std::vector<std::string> wrappers;  // outermost first: "JSON .report", "Azure HCL report", "hex"
  std::optional<SnpReport> snp;
  std::optional<TdxQuote> tdx;
  std::vector<Cert> embedded_certs;   // VCEK from an Azure JSON; the PCK chain of a TDX quote
  std::optional<ByteVec> hcl_runtime_data;  // Azure: the variable data report_data[0:32] hashes
};

// Throws coco::Error naming `name` (and the offset) when the bytes are none of the above.
Evidence read_evidence(Bytes data, const std::string& name);
Evidence read_evidence_file(const std::string& path);

// Every field of the evidence (for TDX also pck.fmspc / pck.pceid from the PCK leaf).
Fields evidence_fields(const Evidence& e);

// The `show --output json` document (schemas/evidence-show.schema.json).
Json evidence_json(const Evidence& e);

std::string kind_name(Kind k);  // "sev-snp", "tdx"

}  // namespace coco::evidence
