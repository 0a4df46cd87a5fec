// SPDX-License-Identifier: Apache-2.0
#include "evidence/tdx_verify.h"

#include <algorithm>

#include "evidence/pck.h"
#include "evidence/roots.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::evidence {
namespace {

void check_signed(CheckList& out, const std::string& name, const Cert& c, const Cert& issuer) {
  const std::string p = signature_problem(c, issuer);
  out.add(name, p.empty(), p.empty() ? c.subject_cn() + " signed by " + issuer.subject_cn() : c.subject_cn() + ": " + p);
}

std::uint64_t json_u64(const Json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j[key].is_number_unsigned()) fail(where, std::string("no unsigned number ") + key);
  return j[key].get<std::uint64_t>();
}

std::string json_str(const Json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j[key].is_string()) fail(where, std::string("no string ") + key);
  return j[key].get<std::string>();
}

// Statuses under which the platform still runs the certified TCB (Intel lists the advisories).
bool acceptable_status(const std::string& s) {
  return s == "UpToDate" || s == "SWHardeningNeeded" || s == "ConfigurationNeeded" ||
         s == "ConfigurationAndSWHardeningNeeded";
}

// The signed document is fresh at `at` and its signature verifies with the TCB Signing key.
void check_signed_json(CheckList& out, const std::string& what, const SignedJson& s, const Cert* signer, std::time_t at) {
  if (signer == nullptr) {
    out.add(what + " signature", false, "no Intel SGX TCB Signing certificate in the collateral (PCS sends it as "
                                        "the TCB-Info-Issuer-Chain header)");
  } else {
    const Bytes sig = s.signature;
    const bool ok = ecdsa_verify_cert(*signer, Algo::Sha256, as_bytes(s.raw), sig.subspan(0, 32), sig.subspan(32, 32));
    out.add(what + " signature", ok, (ok ? "verifies with " : "does not verify with ") + signer->subject_cn() + " (" + s.file + ")");
  }
  const std::string next = json_str(s.body, "nextUpdate", s.file);
  const bool fresh = parse_utc(next, s.file) >= at;
  out.add(what + " fresh", fresh, fresh ? "next update " + next : "expired at its nextUpdate " + next + ": fetch a current one");
}

void tcb_status(CheckList& out, const TdxQuote& q, const PckInfo& pck, const SignedJson& info) {
  const std::string& where = info.file;
  const Bytes tee = q.tee_tcb_svn();
  const bool module_identity = tee[1] > 0 && info.body.contains("tdxModuleIdentities");
  if (!info.body.contains("tcbLevels") || !info.body["tcbLevels"].is_array()) fail(where, "tcbInfo has no tcbLevels");
  std::string status, date;
  for (const auto& level : info.body["tcbLevels"]) {
    const Json& tcb = level.at("tcb");
    const Json& sgx = tcb.at("sgxtcbcomponents");
    const Json& tdx = tcb.at("tdxtcbcomponents");
    if (!sgx.is_array() || sgx.size() != 16 || !tdx.is_array() || tdx.size() != 16)
      fail(where, "a TCB level without 16 sgxtcbcomponents and 16 tdxtcbcomponents");
    bool ok = pck.pcesvn >= json_u64(tcb, "pcesvn", where);
    for (std::size_t i = 0; ok && i < 16; ++i) ok = pck.sgx_tcb[i] >= json_u64(sgx[i], "svn", where);
    for (std::size_t i = module_identity ? 2 : 0; ok && i < 16; ++i) ok = tee[i] >= json_u64(tdx[i], "svn", where);
    if (ok) {
      status = json_str(level, "tcbStatus", where);
      date = level.contains("tcbDate") ? level["tcbDate"].get<std::string>() : "";
      break;
    }
  }
  if (status.empty()) {
    std::string sgx, tdx;
    for (std::size_t i = 0; i < 16; ++i) {
      sgx += (i ? "," : "") + std::to_string(pck.sgx_tcb[i]);
      tdx += (i ? "," : "") + std::to_string(tee[i]);
    }
    out.add("TCB status", false, "no TCB level of FMSPC " + pck.fmspc + " is met by this platform (SGX TCB " + sgx +
                                     " PCESVN " + std::to_string(pck.pcesvn) + ", TEE TCB SVN " + tdx +
                                     "): the TCB info does not recognise it");
  } else {
    out.add("TCB status", acceptable_status(status),
            status + " (tcbDate " + date + ")" +
                (acceptable_status(status) ? "" : ": the platform's firmware or TDX module needs an update"));
  }
  if (module_identity) {
    char id[8];
    std::snprintf(id, sizeof id, "TDX_%02X", tee[1]);
    std::string mstatus;
    for (const auto& m : info.body["tdxModuleIdentities"])
      if (m.value("id", "") == id)
        for (const auto& level : m.at("tcbLevels"))
          if (tee[0] >= json_u64(level.at("tcb"), "isvsvn", where)) {
            mstatus = json_str(level, "tcbStatus", where);
            break;
          }
    out.add("TDX module TCB status", acceptable_status(mstatus),
            mstatus.empty() ? std::string("no level of module identity ") + id + " is met by SVN " + std::to_string(tee[0])
                            : std::string(id) + " SVN " + std::to_string(tee[0]) + ": " + mstatus);
  }
}

void qe_identity(CheckList& out, const TdxQuote& q, const SignedJson& id) {
  const QeReport qe = parse_qe_report(q);
  const std::string signer = ascii_lower(json_str(id.body, "mrsigner", id.file));
  const std::uint64_t prod = json_u64(id.body, "isvprodid", id.file);
  const bool same = signer == qe.mr_signer && prod == qe.isv_prod_id;
  out.add("QE identity", same,
          same ? "MRSIGNER and ISVPRODID " + std::to_string(prod) + " match the TD_QE identity"
               : "QE MRSIGNER " + qe.mr_signer + " / ISVPRODID " + std::to_string(qe.isv_prod_id) + " is not the TD_QE's " +
                     signer + " / " + std::to_string(prod));
  std::string status;
  for (const auto& level : id.body.at("tcbLevels"))
    if (qe.isv_svn >= json_u64(level.at("tcb"), "isvsvn", id.file)) {
      status = json_str(level, "tcbStatus", id.file);
      break;
    }
  out.add("QE TCB status", status == "UpToDate",
          status.empty() ? "QE ISVSVN " + std::to_string(qe.isv_svn) + " meets no TCB level" : "ISVSVN " + std::to_string(qe.isv_svn) + ": " + status);
}

}  // namespace

void check_revocation(CheckList& out, const std::string& role, const Cert& cert, const Cert& issuer,
                      const std::vector<Crl>& crls, std::time_t at) {
  const std::string name = role + " not revoked";
  for (const auto& crl : crls) {
    if (crl.issuer_cn() != issuer.subject_cn()) continue;
    if (!crl.signed_by(issuer)) {
      out.add(name, false, "the CRL of " + crl.issuer_cn() + " is not signed by " + issuer.subject_cn());
      return;
    }
    if (crl.revokes(cert)) {
      out.add(name, false, cert.subject_cn() + " serial " + cert.serial_hex() + " is revoked by the CRL of " + crl.issuer_cn());
      return;
    }
    if (crl.stale_at(at)) {
      out.add(name, false, "the CRL of " + crl.issuer_cn() + " expired at its next update " + crl.next_update_text() +
                               ": fetch a current one");
      return;
    }
    out.add(name, true, "serial " + cert.serial_hex() + " not among the " + std::to_string(crl.entries()) +
                            " entries of " + crl.issuer_cn() + "'s CRL");
    return;
  }
  out.skip(name, "no CRL of " + issuer.subject_cn() + " in the collateral");
}

CheckList verify_tdx(const Evidence& e, const TdxVerifyInputs& in) {
  CheckList out;
  const TdxQuote& q = *e.tdx;
  const Bytes sig = q.signature;
  const bool quote_ok = ecdsa_verify_p256_point(q.attestation_key, q.signed_part(), sig.subspan(0, 32), sig.subspan(32, 32));
  out.add("quote signature", quote_ok,
          quote_ok ? "ECDSA P-256 over header and body verifies with the attestation key"
                   : "ECDSA P-256 over header and body does not verify with the attestation key (the quote was changed)");
  const std::vector<Cert>& chain = e.embedded_certs;
  if (chain.size() < 3) {
    out.add("PCK chain", false, "the quote carries " + std::to_string(chain.size()) + " certificates, not PCK, CA and root");
    return out;
  }
  const Cert& pck = chain[0];
  const Cert& ca = chain[1];
  const Cert& root = chain[2];
  const Bytes qsig = q.qe_report_signature;
  const bool qe_ok = ecdsa_verify_cert(pck, Algo::Sha256, q.qe_report, qsig.subspan(0, 32), qsig.subspan(32, 32));
  out.add("QE report signature", qe_ok, (qe_ok ? "verifies with " : "does not verify with ") + pck.subject_cn());
  ByteVec bound = q.attestation_key;
  append(bound, q.qe_auth_data);
  const ByteVec h = digest(Algo::Sha256, bound);
  const Bytes rd = q.qe_report_data();
  const bool binding = std::equal(h.begin(), h.end(), rd.begin()) &&
                       std::all_of(rd.begin() + 32, rd.end(), [](std::uint8_t b) { return b == 0; });
  out.add("QE binding", binding,
          binding ? "QE report_data = SHA-256(attestation key ‖ QE auth data)"
                  : "QE report_data " + to_hex(rd) + " is not SHA-256(attestation key ‖ QE auth data) " + to_hex(h) +
                        " followed by zeros");
  check_signed(out, "PCK <- CA", pck, ca);
  check_signed(out, "CA <- root", ca, root);
  check_signed(out, "root self-signed", root, root);
  const bool pinned = is_intel_sgx_root(root.spki_sha256());
  out.add("root pinned", pinned,
          pinned ? "the Intel SGX Root CA key" : root.subject_cn() + " key " + to_hex(root.spki_sha256()) + " is not Intel's");
  check_validity(out, "PCK", pck, in.at);
  check_validity(out, "CA", ca, in.at);
  check_validity(out, "root", root, in.at);

  const Collateral& c = in.collateral;
  if (c.empty()) {
    out.skip("TCB status", "no --collateral: TCB status and revocation not checked");
    return out;
  }
  const PckInfo info = parse_pck_extension(pck, e.source + ": PCK leaf");
  const Cert* signer = nullptr;
  for (const auto& cert : c.certs)
    if (cert.subject_cn() == "Intel SGX TCB Signing") signer = &cert;
  if (signer != nullptr) {
    check_signed(out, "TCB Signing <- root", *signer, root);
    check_validity(out, "TCB Signing", *signer, in.at);
  }
  const SignedJson* tcb = nullptr;
  for (const auto& t : c.tcb_infos)
    if (ascii_lower(t.body.value("fmspc", "")) == info.fmspc && t.body.value("id", "") == "TDX") tcb = &t;
  if (tcb == nullptr) {
    out.add("TCB status", false, "no TDX TCB info for FMSPC " + info.fmspc + " in the collateral");
  } else {
    check_signed_json(out, "TCB info", *tcb, signer, in.at);
    try {
      tcb_status(out, q, info, *tcb);
    } catch (const Json::exception& ex) {
      fail(tcb->file, std::string("malformed TCB info: ") + ex.what());
    }
  }
  const SignedJson* qe = nullptr;
  for (const auto& t : c.qe_identities)
    if (t.body.value("id", "") == "TD_QE") qe = &t;
  if (qe == nullptr) {
    out.skip("QE identity", "no TD_QE identity in the collateral");
  } else {
    check_signed_json(out, "QE identity", *qe, signer, in.at);
    try {
      qe_identity(out, q, *qe);
    } catch (const Json::exception& ex) {
      fail(qe->file, std::string("malformed QE identity: ") + ex.what());
    }
  }
  check_revocation(out, "PCK", pck, ca, c.crls, in.at);
  check_revocation(out, "CA", ca, root, c.crls, in.at);
  return out;
}

}  // namespace coco::evidence
