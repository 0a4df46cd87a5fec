// SPDX-License-Identifier: Apache-2.0
// `evidence check`: every field of a report or quote against coco's own outputs.
//   SEV-SNP  measurement  <- snp_launch_measurement (measure snp: launch_digest)
//            host_data    <- snp_init_data (policy generate: the pod's initdata digest)
//   TDX      mr_td, rtmr0-3 <- mr_td, rtmr_0-3 (measure tdx); mr_config_id <- mr_config_id (policy)
//            with a CCEL log: the log must replay to the quote's RTMRs, and against the measure
//            tdx JSON the first diverging event is named (tdx/replay_diff.h)
//   both     report_data (--report-data), the TCB against a minimum (--min-tcb)
// Reference values come as coco's refvals documents (trustee-rvps, trustee-configmap, json) or
// straight from the measure / policy JSON; a value matches when the field equals any accepted
// value (hex, or base64 as Trustee before v0.18 stored SNP values).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attest/refvals.h"
#include "evidence/evidence.h"

namespace coco::evidence {

enum class Verdict { Match, Mismatch, Info };

struct Row {
  std::string field, expected, actual;
  Verdict verdict = Verdict::Match;
  std::string cause;  // the likely cause of a mismatch
};

struct CheckInputs {
  std::vector<attest::ReferenceValue> refs;
  std::optional<Json> tdx_measure;  // measure tdx --output json, for the event-by-event diff
  std::string tdx_measure_name;
  std::optional<ByteVec> ccel;
  std::string ccel_name;
  std::optional<ByteVec> report_data;
  std::string min_tcb;  // SNP "bootloader=3,tee=0,snp=8,microcode=115"; TDX tee_tcb_svn hex
};

// Reads a refvals document in any of the three formats coco writes; throws naming `where`.
std::vector<attest::ReferenceValue> parse_refvals_document(const std::string& text, const std::string& where);

std::vector<Row> check_evidence(const Evidence& e, const CheckInputs& in);
bool all_match(const std::vector<Row>& rows);
Json rows_json(const std::vector<Row>& rows);

}  // namespace coco::evidence
