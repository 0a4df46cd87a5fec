// SPDX-License-Identifier: Apache-2.0
#include "evidence/snp_verify.h"

#include <algorithm>

#include "evidence/roots.h"
#include "util/encoding.h"

namespace coco::evidence {
namespace {

constexpr const char* kAmdOid = "1.3.6.1.4.1.3704.1.";

ByteVec reversed(Bytes b) { return ByteVec(b.rbegin(), b.rend()); }

bool self_issued(const Cert& c) { return c.subject_cn() == c.issuer_cn(); }

std::optional<std::uint64_t> spl(const Cert& c, const char* leaf) {
  const auto ext = c.extension(std::string(kAmdOid) + leaf);
  if (!ext) return std::nullopt;
  const auto tlv = read_tlv(*ext);
  if (!tlv || tlv->tag != 0x02) return std::nullopt;
  return der_uint(tlv->value);
}

std::string show(const std::optional<std::uint64_t>& v) { return v ? std::to_string(*v) : "absent"; }

}  // namespace

VekTcb read_vek_tcb(const Cert& vek, const std::string&) {
  VekTcb t;
  t.bootloader = spl(vek, "3.1");
  t.tee = spl(vek, "3.2");
  t.snp = spl(vek, "3.3");
  t.microcode = spl(vek, "3.8");
  t.fmc = spl(vek, "3.9");
  if (const auto ext = vek.extension(std::string(kAmdOid) + "2")) {
    const auto tlv = read_tlv(*ext);
    t.product = tlv ? std::string(as_chars(tlv->value)) : std::string(as_chars(*ext));
  }
  return t;
}

std::optional<ByteVec> read_hwid(const Cert& vek) {
  auto ext = vek.extension(std::string(kAmdOid) + "4");
  if (!ext) return std::nullopt;
  if (ext->size() != 64 && ext->size() != 8) {  // the newer KDS wraps it in an OCTET STRING
    const auto tlv = read_tlv(*ext);
    if (tlv && tlv->tag == 0x04 && tlv->size == ext->size()) return ByteVec(tlv->value.begin(), tlv->value.end());
  }
  return ext;
}

CheckList verify_snp(const Evidence& e, const SnpVerifyInputs& in) {
  CheckList out;
  const SnpReport& rep = *e.snp;
  std::vector<Cert> vek_file = in.vek;
  if (vek_file.empty()) vek_file = e.embedded_certs;
  if (rep.signing_key() == SnpSigningKey::None) {
    out.add("report signed", false, "SIGNING_KEY is 7: the firmware did not sign this report");
    return out;
  }
  const bool report_vlek = rep.signing_key() == SnpSigningKey::Vlek;
  if (vek_file.empty()) {
    out.add("report signature", false,
            std::string("no ") + (report_vlek ? "VLEK" : "VCEK") + " given (--" + (report_vlek ? "vlek" : "vcek") +
                " FILE; AMD KDS serves it for this chip_id and reported_tcb)");
    return out;
  }
  const Cert& vek = vek_file.front();
  const std::string vek_role = report_vlek ? "VLEK" : "VCEK";
  if (in.vek_given) {
    out.add("signing key type", in.vek_is_vlek == report_vlek,
            std::string("report flags name the ") + vek_role + ", the key was given as --" +
                (in.vek_is_vlek ? "vlek" : "vcek"));
  }
  const bool sig_ok = ecdsa_verify_cert(vek, Algo::Sha384, rep.signed_part(), reversed(rep.sig_r()), reversed(rep.sig_s()));
  out.add("report signature", sig_ok,
          sig_ok ? "ECDSA P-384 over [0, 0x2A0) verifies with " + vek.subject_cn()
                 : "ECDSA P-384 over [0, 0x2A0) does not verify with " + vek.subject_cn() +
                       " (the report was changed, or this is another chip's or TCB's key)");

  // ASK/ASVK and ARK: from --ask-ark, else the certificates after the VEK in its file.
  std::vector<Cert> cas = in.ca;
  for (std::size_t i = 1; i < vek_file.size(); ++i) cas.push_back(vek_file[i]);
  const Cert* ask = nullptr;
  const Cert* ark = nullptr;
  for (const auto& c : cas) {
    if (ask == nullptr && !self_issued(c) && c.subject_cn() == vek.issuer_cn()) ask = &c;
    if (ark == nullptr && self_issued(c)) ark = &c;
  }
  const std::string ask_role = report_vlek ? "ASVK" : "ASK";
  if (ask == nullptr || ark == nullptr) {
    out.add(vek_role + " <- " + ask_role, false,
            "no " + std::string(ask == nullptr ? ask_role + " named " + vek.issuer_cn() : "ARK") +
                " among the CA certificates (--ask-ark FILE: AMD KDS cert_chain)");
  } else {
    const std::string p1 = signature_problem(vek, *ask);
    out.add(vek_role + " <- " + ask_role, p1.empty(), p1.empty() ? vek.subject_cn() + " signed by " + ask->subject_cn() : p1);
    const std::string p2 = signature_problem(*ask, *ark);
    out.add(ask_role + " <- ARK", p2.empty(), p2.empty() ? ask->subject_cn() + " signed by " + ark->subject_cn() : p2);
    const std::string p3 = signature_problem(*ark, *ark);
    out.add("ARK self-signed", p3.empty(), p3.empty() ? ark->subject_cn() : p3);
    const std::string product = amd_root_product(ark->spki_sha256());
    out.add("ARK pinned", !product.empty(),
            product.empty() ? ark->subject_cn() + " key " + to_hex(ark->spki_sha256()) + " is not an AMD root"
                            : "the AMD ARK-" + product + " key");
    check_validity(out, vek_role, vek, in.at);
    check_validity(out, ask_role, *ask, in.at);
    check_validity(out, "ARK", *ark, in.at);
  }

  // hwID: only a VCEK names the chip; MASK_CHIP_KEY zeroes chip_id.
  if (report_vlek) {
    out.skip("hwID = chip_id", "a VLEK is not bound to one chip");
  } else if (rep.flags & 2) {
    out.skip("hwID = chip_id", "MASK_CHIP_KEY is set: the report's chip_id is zero");
  } else {
    const auto hwid = read_hwid(vek);
    if (!hwid) {
      out.add("hwID = chip_id", false, vek.subject_cn() + " has no hwID extension (1.3.6.1.4.1.3704.1.4)");
    } else {
      const Bytes chip = rep.chip_id();
      bool same = hwid->size() <= chip.size() && std::equal(hwid->begin(), hwid->end(), chip.begin());
      for (std::size_t i = hwid->size(); same && i < chip.size(); ++i) same = chip[i] == 0;
      out.add("hwID = chip_id", same,
              same ? "VCEK hwID " + to_hex(*hwid).substr(0, 16) + "… is the report's chip_id"
                   : "VCEK hwID " + to_hex(*hwid) + " differs from chip_id " + to_hex(chip) +
                         " (the VCEK of another chip)");
    }
  }
  const VekTcb t = read_vek_tcb(vek, e.source);
  const bool turin = rep.is_turin() || t.product.rfind("Turin", 0) == 0;
  const TcbParts want = split_tcb(rep.reported_tcb, turin);
  std::string diff;
  auto cmp = [&](const char* name, const std::optional<std::uint64_t>& have, int expected) {
    if (!have || *have != static_cast<std::uint64_t>(expected))
      diff += std::string(diff.empty() ? "" : ", ") + name + " " + show(have) + " vs " + std::to_string(expected);
  };
  cmp("blSPL", t.bootloader, want.bootloader);
  cmp("teeSPL", t.tee, want.tee);
  cmp("snpSPL", t.snp, want.snp);
  cmp("ucodeSPL", t.microcode, want.microcode);
  if (turin) cmp("fmcSPL", t.fmc, want.fmc);
  out.add("TCB extensions = reported_tcb", diff.empty(),
          diff.empty() ? vek_role + " certifies " + tcb_text(want)
                       : vek_role + " certifies a different TCB (" + diff +
                             " in reported_tcb): fetch the " + vek_role + " for this reported_tcb");
  if (e.hcl_runtime_data) {
    const ByteVec h = digest(Algo::Sha256, *e.hcl_runtime_data);
    const bool bound = std::equal(h.begin(), h.end(), rep.report_data().begin());
    out.add("HCL runtime data bound", bound,
            bound ? "report_data[0:32] is SHA-256 of the HCL runtime claims"
                  : "report_data[0:32] " + to_hex(rep.report_data().subspan(0, 32)) + " is not SHA-256 " + to_hex(h) +
                        " of the HCL runtime claims");
  }
  return out;
}

}  // namespace coco::evidence
