// SPDX-License-Identifier: Apache-2.0
// The Intel TDX DCAP quote, versions 4 and 5 (Intel TDX DCAP Quoting Library API, appendix A
// "Quote format"), little-endian:
//
//   header (48): u16 version, u16 att_key_type (2 = ECDSA P-256), u32 tee_type (0x81 = TDX),
//                u16 reserved/qe_svn, u16 reserved/pce_svn, qe_vendor_id[16], user_data[20]
//   v4: TD quote body (584, TDX 1.0) at 48
//   v5: u16 body_type (2 = TDX 1.0, 3 = TDX 1.5), u32 body_size, body (584 or 648) at 54
//   u32 sig_data_len, then the signature data:
//     signature[64] (r‖s, big-endian), attestation key[64] (x‖y), certification data
//     {u16 type, u32 size, data}; type 6 = QE report certification data:
//       QE report (SGX REPORT body, 384), QE report signature[64], u16 auth size, auth data,
//       certification data {u16 type, u32 size, data}; type 5 = PEM PCK chain (leaf, CA, root)
//
//   body: tee_tcb_svn[16] mr_seam[48] mr_signer_seam[48] seam_attributes[8] td_attributes[8]
//         xfam[8] mr_td[48] mr_config_id[48] mr_owner[48] mr_owner_config[48] rtmr0..3[4×48]
//         report_data[64]; TDX 1.5 adds tee_tcb_svn_2[16] mr_servicetd[48]
//
// The quote signature covers the header and the body (for v5 with its type and size fields).
#pragma once

#include <cstdint>
#include <string>

#include "evidence/field.h"
#include "util/bytes.h"

namespace coco::evidence {

inline constexpr std::size_t kTdxHeaderSize = 48;
inline constexpr std::size_t kTdxBody10Size = 584;
inline constexpr std::size_t kTdxBody15Size = 648;
inline constexpr std::size_t kSgxReportSize = 384;
inline constexpr std::uint32_t kTeeTypeTdx = 0x81;

struct TdxQuote {
  ByteVec raw;  // header through the end of the signature data (trailing bytes dropped)
  std::uint16_t version = 0, att_key_type = 0, body_type = 2;
  std::uint32_t tee_type = 0, body_size = 0, sig_data_len = 0;
  std::size_t body_offset = 0;     // 48 (v4) or 54 (v5)
  std::size_t signed_size = 0;     // bytes covered by the quote signature
  std::size_t trailing_bytes = 0;  // after the signature data in the input
  ByteVec signature, attestation_key, qe_report, qe_report_signature, qe_auth_data;
  std::uint16_t cert_type = 0, pck_cert_type = 0;
  std::string pck_chain_pem;  // type 5 certification data (its NUL terminator removed)

  Bytes header() const { return Bytes(raw).subspan(0, kTdxHeaderSize); }
  Bytes body() const { return Bytes(raw).subspan(body_offset, body_size); }
  Bytes signed_part() const { return Bytes(raw).subspan(0, signed_size); }
  Bytes body_field(std::size_t off, std::size_t len) const { return body().subspan(off, len); }
  Bytes mr_td() const { return body_field(136, 48); }
  Bytes mr_config_id() const { return body_field(184, 48); }
  Bytes rtmr(int i) const { return body_field(328 + 48 * static_cast<std::size_t>(i), 48); }
  Bytes report_data() const { return body_field(520, 64); }
  Bytes tee_tcb_svn() const { return body_field(0, 16); }
  Bytes qe_report_data() const { return Bytes(qe_report).subspan(320, 64); }
};

// Throws coco::Error naming the input and the offset for a short quote, a version other than 4
// or 5, a TEE type other than TDX, an unknown body type or size, a signature-data length that
// disagrees with the certification data it holds, or certification data that is not type 6 with
// a type 5 chain inside.
TdxQuote parse_tdx_quote(const Reader& r);

// Every header, body and QE report field with its spec name; TD attributes and XFAM decoded.
Fields tdx_fields(const TdxQuote& quote);

// The SGX REPORT body fields of the QE report.
struct QeReport {
  std::string mr_enclave, mr_signer;  // hex
  std::uint16_t isv_prod_id = 0, isv_svn = 0;
};
QeReport parse_qe_report(const TdxQuote& quote);

}  // namespace coco::evidence
