// SPDX-License-Identifier: Apache-2.0
#include "evidence/pck.h"

#include <charconv>

#include "util/encoding.h"
#include "util/error.h"

namespace coco::evidence {
namespace {

constexpr std::uint8_t kSequence = 0x30, kOid = 0x06;

// Walks a SEQUENCE OF SEQUENCE {OID, value}; `depth` bounds the nesting (the TCB is one level down).
void walk(Bytes seq, const std::string& where, int depth, PckInfo& out) {
  if (depth > 3) fail(where, "SGX extension nests deeper than its profile allows");
  while (!seq.empty()) {
    const auto pair = read_tlv(seq);
    if (!pair || pair->tag != kSequence) fail(where, "SGX extension: malformed entry");
    seq = seq.subspan(pair->size);
    const auto oid = read_tlv(pair->value);
    if (!oid || oid->tag != kOid) fail(where, "SGX extension: entry without an OID");
    const auto val = read_tlv(pair->value.subspan(oid->size));
    if (!val) fail(where, "SGX extension: entry without a value");
    const std::string name = oid_text(oid->value);
    const std::string base = std::string(kSgxExtensionOid) + ".";
    if (name == base + "2") {
      walk(val->value, where, depth + 1, out);
    } else if (name == base + "3") {
      out.pceid = to_hex(val->value);
    } else if (name == base + "4") {
      out.fmspc = to_hex(val->value);
    } else if (name.rfind(base + "2.", 0) == 0) {
      const std::string tail = name.substr(base.size() + 2);
      int comp = 0;
      const auto [end, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), comp);
      if (ec != std::errc() || end != tail.data() + tail.size()) continue;  // a deeper or unknown OID
      if (comp == 18) {
        out.cpusvn = to_hex(val->value);
      } else {
        const auto n = der_uint(val->value);
        if (!n) fail(where, "SGX extension: TCB component " + std::to_string(comp) + " is not an integer");
        if (comp >= 1 && comp <= 16) out.sgx_tcb[static_cast<std::size_t>(comp - 1)] = *n;
        if (comp == 17) out.pcesvn = *n;
      }
    }
  }
}

}  // namespace

PckInfo parse_pck_extension(const Cert& leaf, const std::string& where) {
  const auto ext = leaf.extension(kSgxExtensionOid);
  if (!ext) fail(where, "the PCK certificate " + leaf.subject_cn() + " has no SGX extension (" + kSgxExtensionOid + ")");
  const auto top = read_tlv(*ext);
  if (!top || top->tag != kSequence) fail(where, "SGX extension is not a DER SEQUENCE");
  PckInfo info;
  walk(top->value, where, 0, info);
  if (info.fmspc.empty()) fail(where, "SGX extension has no FMSPC");
  return info;
}

}  // namespace coco::evidence
