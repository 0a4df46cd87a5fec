// SPDX-License-Identifier: Apache-2.0
// `evidence verify --fetch`: the certificates and collateral a report or quote needs, from the
// services that publish them, with libcurl (oci/http.h), cached under the coco cache.
//   AMD KDS ("VCEK Certificate and KDS Interface Specification" 57230):
//     {kds}/vcek/v1/{product}/{hwid}?blSPL=&teeSPL=&snpSPL=&ucodeSPL=   the VCEK, DER
//        (Turin: hwid is chip_id[0:8], and fmcSPL= comes first)
//     {kds}/vcek/v1/{product}/cert_chain, {kds}/vlek/v1/{product}/cert_chain   ASK|ASVK + ARK, PEM
//     A VLEK is provisioned to the cloud provider and never served: it must be given (--vlek).
//   Intel PCS ("Provisioning Certification Service API" v4):
//     {pcs}/tdx/certification/v4/tcb?fmspc=F          TCB info; TCB-Info-Issuer-Chain header
//     {pcs}/tdx/certification/v4/qe/identity          TD_QE identity; SGX-Enclave-Identity-Issuer-Chain
//     {pcs}/sgx/certification/v4/pckcrl?ca=platform|processor&encoding=der
//                                                     PCK CRL; SGX-PCK-CRL-Issuer-Chain
//     the root CA's CRL: Intel serves it from certificates.trustedservices.intel.com; with another
//     --pcs-url (a mirror, a caching service) from {pcs}/IntelSGXRootCA.der.
//   The issuer chains come URL-encoded in the headers and are kept beside each body.
// Nothing fetched is trusted for being fetched: the verification checks signatures and chains
// to the pinned roots exactly as for files a user gives. A cached entry is used while it is still
// valid (certificates within their validity, TCB info / QE identity / CRLs before their next
// update); otherwise it is fetched again.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "evidence/collateral.h"
#include "evidence/evidence.h"

namespace coco::evidence {

inline constexpr const char* kAmdKdsUrl = "https://kdsintf.amd.com";
inline constexpr const char* kIntelPcsUrl = "https://api.trustedservices.intel.com";
inline constexpr const char* kIntelRootCrlUrl = "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der";

struct FetchOptions {
  std::string kds_url = kAmdKdsUrl;
  std::string pcs_url = kIntelPcsUrl;
  std::string product;       // SEV-SNP: Milan, Genoa or Turin; empty = from the report's CPUID (v3+)
  long timeout_s = 30;       // per request, connection included
  int attempts = 3;          // transport errors, 5xx and 429 are tried again
  std::string cache_dir;     // fetch_cache_dir(coco cache); empty = neither read nor write a cache
  std::time_t now = 0;       // cache freshness (the wall clock, not --at)
};

// One request as it went: where from, and whether the cache answered.
struct FetchedItem {
  std::string what;  // "VCEK", "ASK and ARK", "TCB info", …
  std::string url;
  bool from_cache = false;
};

// The product name KDS files a chip under; throws coco::Error (Usage) naming the report when it
// cannot tell (a version 2 report without --product, or an unknown CPUID).
std::string snp_product(const SnpReport& report, const std::string& given, const std::string& where);

// The KDS URLs for this report (exposed for tests and messages).
std::string vcek_url(const SnpReport& report, const std::string& product, const std::string& kds_url);
std::string ca_chain_url(const std::string& product, bool vlek, const std::string& kds_url);

struct SnpFetched {
  std::vector<Cert> vek;  // empty unless asked for
  std::vector<Cert> ca;   // ASK or ASVK, then ARK
  std::vector<FetchedItem> items;
};
// fetch_vek: the report's VCEK (a VLEK-signed report throws: KDS does not serve VLEKs).
SnpFetched fetch_snp(const Evidence& e, bool fetch_vek, bool vlek, const FetchOptions& o);

struct TdxFetched {
  Collateral collateral;
  std::vector<FetchedItem> items;
};
TdxFetched fetch_tdx(const Evidence& e, const FetchOptions& o);

// The evidence part of the coco cache (its evidence/ folder), for `coco cache dir | prune`.
std::string fetch_cache_dir(const std::string& coco_cache_dir);
struct FetchCacheUsage {
  std::uint64_t entries = 0, bytes = 0;
};
FetchCacheUsage fetch_cache_usage(const std::string& cache_dir);
FetchCacheUsage fetch_cache_prune(const std::string& cache_dir);

}  // namespace coco::evidence
