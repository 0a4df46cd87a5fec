// SPDX-License-Identifier: Apache-2.0
#include "evidence/tdx_quote.h"

#include "util/encoding.h"

namespace coco::evidence {
namespace {

// TD attributes (TDX module ABI spec, TDINFO_STRUCT.ATTRIBUTES).
const std::vector<std::pair<int, const char*>> kTdAttributeBits = {
    {0, "DEBUG"}, {16, "ICSSD"}, {27, "LASS"}, {28, "SEPT_VE_DISABLE"}, {29, "MIGRATABLE"},
    {30, "PKS"}, {31, "KL"}, {62, "TPA"}, {63, "PERFMON"}};
// XFAM follows the XCR0 / IA32_XSS state-component bits (Intel SDM vol. 1 §13.1).
const std::vector<std::pair<int, const char*>> kXfamBits = {
    {0, "FP"}, {1, "SSE"}, {2, "AVX"}, {3, "MPX_BNDREGS"}, {4, "MPX_BNDCSR"}, {5, "AVX512_OPMASK"},
    {6, "AVX512_ZMM_HI256"}, {7, "AVX512_HI16_ZMM"}, {8, "PT"}, {9, "PKRU"}, {10, "PASID"},
    {11, "CET_U"}, {12, "CET_S"}, {13, "HDC"}, {14, "ULI"}, {15, "LBR"}, {16, "HWP"},
    {17, "AMX_TILECFG"}, {18, "AMX_TILEDATA"}, {19, "APX"}};

constexpr std::size_t kCertTypeQeReport = 6;
constexpr std::size_t kCertTypePckChain = 5;

std::uint64_t le64(Bytes b) {
  std::uint64_t v = 0;
  for (std::size_t i = b.size(); i-- > 0;) v = (v << 8) | b[i];
  return v;
}

}  // namespace

TdxQuote parse_tdx_quote(const Reader& r) {
  TdxQuote q;
  q.version = r.le<std::uint16_t>(0);
  q.att_key_type = r.le<std::uint16_t>(2);
  q.tee_type = r.le<std::uint32_t>(4);
  if (q.version != 4 && q.version != 5)
    r.fail(0, "quote version " + std::to_string(q.version) + " is not a TDX quote version (4 or 5)");
  if (q.tee_type != kTeeTypeTdx)
    r.fail(4, "TEE type " + hex_number(q.tee_type) + " is not TDX (0x81)");
  if (q.att_key_type != 2)
    r.fail(2, "attestation key type " + std::to_string(q.att_key_type) + " is not ECDSA P-256 (2)");
  std::size_t off = kTdxHeaderSize;
  if (q.version == 4) {
    q.body_type = 2, q.body_size = kTdxBody10Size;
  } else {
    q.body_type = r.le<std::uint16_t>(off);
    q.body_size = r.le<std::uint32_t>(off + 2);
    const std::size_t want = q.body_type == 2 ? kTdxBody10Size : q.body_type == 3 ? kTdxBody15Size : 0;
    if (want == 0) r.fail(off, "quote body type " + std::to_string(q.body_type) + " is not TDX 1.0 (2) or TDX 1.5 (3)");
    if (q.body_size != want)
      r.fail(off + 2, "body size " + std::to_string(q.body_size) + " does not match body type " +
                          std::to_string(q.body_type) + " (" + std::to_string(want) + " bytes)");
    off += 6;
  }
  q.body_offset = off;
  r.bytes(off, q.body_size);
  q.signed_size = off + q.body_size;
  off = q.signed_size;
  q.sig_data_len = r.le<std::uint32_t>(off);
  off += 4;
  const Reader sig = r.sub(off, q.sig_data_len);  // fails naming the offset when it overruns the input
  auto take = [](const Reader& rd, std::size_t o, std::size_t n) {
    const Bytes b = rd.bytes(o, n);
    return ByteVec(b.begin(), b.end());
  };
  q.signature = take(sig, 0, 64);
  q.attestation_key = take(sig, 64, 64);
  q.cert_type = sig.le<std::uint16_t>(128);
  const std::uint32_t cert_size = sig.le<std::uint32_t>(130);
  if (std::uint64_t{cert_size} + 134 != q.sig_data_len)
    sig.fail(130, "certification data size " + std::to_string(cert_size) + " + 134 does not equal sig_data_len " +
                      std::to_string(q.sig_data_len));
  if (q.cert_type != kCertTypeQeReport)
    sig.fail(128, "certification data type " + std::to_string(q.cert_type) +
                      " is not QE report certification data (6)");
  const Reader cert = sig.sub(134, cert_size);
  q.qe_report = take(cert, 0, kSgxReportSize);
  q.qe_report_signature = take(cert, kSgxReportSize, 64);
  const std::uint16_t auth_size = cert.le<std::uint16_t>(kSgxReportSize + 64);
  std::size_t c = kSgxReportSize + 66;
  q.qe_auth_data = take(cert, c, auth_size);
  c += auth_size;
  q.pck_cert_type = cert.le<std::uint16_t>(c);
  const std::uint32_t pck_size = cert.le<std::uint32_t>(c + 2);
  if (q.pck_cert_type != kCertTypePckChain)
    cert.fail(c, "inner certification data type " + std::to_string(q.pck_cert_type) + " is not a PEM PCK chain (5)");
  if (pck_size > cert.size() - (c + 6) || pck_size != cert.size() - (c + 6))
    cert.fail(c + 2, "PCK chain size " + std::to_string(pck_size) + " does not fill the certification data (" +
                         std::to_string(cert.size() - std::min<std::size_t>(cert.size(), c + 6)) + " bytes left)");
  const Bytes pem = cert.bytes(c + 6, pck_size);
  q.pck_chain_pem.assign(as_chars(pem));
  while (!q.pck_chain_pem.empty() && q.pck_chain_pem.back() == '\0') q.pck_chain_pem.pop_back();
  const std::size_t end = off + q.sig_data_len;
  q.trailing_bytes = r.size() - end;
  const Bytes all = r.bytes(0, end);
  q.raw.assign(all.begin(), all.end());
  return q;
}

QeReport parse_qe_report(const TdxQuote& q) {
  const Reader r(q.qe_report, "QE report");
  return {to_hex(r.bytes(64, 32)), to_hex(r.bytes(128, 32)), r.le<std::uint16_t>(256), r.le<std::uint16_t>(258)};
}

Fields tdx_fields(const TdxQuote& q) {
  const Bytes h = q.header();
  auto b = [&](const char* name, std::size_t off, std::size_t len) {
    return Field{name, to_hex(q.body_field(off, len)), {}, ""};
  };
  Fields f = {
      {"version", hex_number(q.version), {}, ""},
      {"att_key_type", hex_number(q.att_key_type), {}, "ECDSA P-256"},
      {"tee_type", hex_number(q.tee_type), {}, "TDX"},
      {"qe_vendor_id", to_hex(h.subspan(12, 16)), {}, ""},
      {"user_data", to_hex(h.subspan(28, 20)), {}, ""},
  };
  if (q.version == 5) {
    f.push_back({"body_type", hex_number(q.body_type), {}, q.body_type == 3 ? "TDX 1.5" : "TDX 1.0"});
    f.push_back({"body_size", hex_number(q.body_size), {}, ""});
  }
  f.push_back(b("tee_tcb_svn", 0, 16));
  f.push_back(b("mr_seam", 16, 48));
  f.push_back(b("mr_signer_seam", 64, 48));
  f.push_back(b("seam_attributes", 112, 8));
  Field attrs = b("td_attributes", 120, 8);
  attrs.flags = bit_names(le64(q.body_field(120, 8)), kTdAttributeBits);
  f.push_back(attrs);
  Field xfam = b("xfam", 128, 8);
  xfam.flags = bit_names(le64(q.body_field(128, 8)), kXfamBits);
  f.push_back(xfam);
  f.push_back(b("mr_td", 136, 48));
  f.push_back(b("mr_config_id", 184, 48));
  f.push_back(b("mr_owner", 232, 48));
  f.push_back(b("mr_owner_config", 280, 48));
  for (int i = 0; i < 4; ++i) f.push_back({"rtmr" + std::to_string(i), to_hex(q.rtmr(i)), {}, ""});
  f.push_back(b("report_data", 520, 64));
  if (q.body_type == 3) {
    f.push_back(b("tee_tcb_svn_2", 584, 16));
    f.push_back(b("mr_servicetd", 600, 48));
  }
  const QeReport qe = parse_qe_report(q);
  f.push_back({"qe.mr_enclave", qe.mr_enclave, {}, ""});
  f.push_back({"qe.mr_signer", qe.mr_signer, {}, ""});
  f.push_back({"qe.isv_prod_id/isv_svn", std::to_string(qe.isv_prod_id) + "/" + std::to_string(qe.isv_svn), {}, ""});
  f.push_back({"sig_data_len", hex_number(q.sig_data_len), {}, ""});
  f.push_back({"bytes after signature data", std::to_string(q.trailing_bytes), {}, ""});
  f.push_back({"signature", to_hex(q.signature), {}, "r||s big-endian"});
  f.push_back({"attestation_key", to_hex(q.attestation_key), {}, "P-256 x||y"});
  return f;
}

}  // namespace coco::evidence
