// SPDX-License-Identifier: Apache-2.0
#include "evidence/fetch.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "evidence/pck.h"
#include "oci/http.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::evidence {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxFetchedBody = 1 << 20;  // the largest PCS answer is a few KiB
constexpr long kMaxRetryWaitS = 10;

// A body as the service gave it, and the issuer chain from its header where it sends one.
struct Fetched {
  std::string body, chain;
};

struct Request {
  std::string what;          // for messages: "VCEK", "TCB info"
  std::string url;
  std::string chain_header;  // lower-case header name carrying the URL-encoded issuer chain, or ""
};

std::string percent_decoded(const std::string& s, const std::string& where) {
  auto digit = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    fail(where, "malformed %-escape in the issuer chain header");
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) fail(where, "malformed %-escape in the issuer chain header");
    out += static_cast<char>(digit(s[i + 1]) * 16 + digit(s[i + 2]));
    i += 2;
  }
  return out;
}

std::string body_excerpt(const std::string& body) {
  std::string s = body.substr(0, 200);
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = ' ';
  return s.empty() ? "" : ": " + s;
}

Fetched download(const Request& r, const FetchOptions& o) {
  oci::HttpRequest req;
  req.url = r.url;
  req.timeout_connect_s = o.timeout_s;
  req.timeout_total_s = o.timeout_s;
  req.low_speed_time_s = o.timeout_s;
  std::string last;
  const int attempts = std::max(1, o.attempts);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    long wait_s = attempt;  // 1 s, 2 s, … between attempts
    try {
      const oci::HttpResponse resp = oci::http_perform(req, nullptr, kMaxFetchedBody);
      if (resp.status == 200) {
        Fetched f{resp.body, ""};
        if (!r.chain_header.empty()) {
          const std::string chain = resp.header(r.chain_header);
          if (chain.empty()) fail(r.url, r.what + ": the response has no " + r.chain_header + " header");
          f.chain = percent_decoded(chain, r.url);
        }
        return f;
      }
      if (resp.status == 404)
        fail(r.url, r.what + " not found (HTTP 404)" + body_excerpt(resp.body));
      last = "HTTP " + std::to_string(resp.status) + body_excerpt(resp.body);
      if (resp.status != 429 && resp.status < 500) fail(r.url, r.what + ": " + last);
      const std::string after = resp.header("retry-after");
      if (!after.empty() && after.find_first_not_of("0123456789") == std::string::npos && after.size() < 6)
        wait_s = std::min(std::stol(after), kMaxRetryWaitS);
    } catch (const oci::TransportError& t) {
      last = t.message;
      if (t.permanent) break;
    }
    if (attempt < attempts) std::this_thread::sleep_for(std::chrono::seconds(wait_s));
  }
  throw Error(Exit::Transient, r.url, r.what + ": " + last + " (after " + std::to_string(attempts) + " attempts)");
}

// What a fetched answer is worth: the value, and whether a cached copy may still stand for it.
template <class T>
struct Parsed {
  T value;
  bool fresh = false;
};

std::string cache_key(const std::string& url) { return to_hex(digest(Algo::Sha256, url)).substr(0, 40); }

std::optional<Fetched> cache_read(const FetchOptions& o, const std::string& url) {
  if (o.cache_dir.empty()) return std::nullopt;
  const std::string base = o.cache_dir + "/" + cache_key(url);
  try {
    if (!file_exists(base + ".body")) return std::nullopt;
    Fetched f;
    f.body = read_text_file(base + ".body", kMaxFetchedBody);
    if (file_exists(base + ".chain")) f.chain = read_text_file(base + ".chain", kMaxFetchedBody);
    return f;
  } catch (const Error&) {
    return std::nullopt;  // unreadable: fetched again
  }
}

void cache_write(const FetchOptions& o, const std::string& url, const Fetched& f) {
  if (o.cache_dir.empty()) return;
  // A cache that cannot be written costs a fetch next time, never this verification.
  try {
    std::error_code ec;
    fs::create_directories(o.cache_dir, ec);
    const std::string base = o.cache_dir + "/" + cache_key(url);
    std::vector<OutputFile> files{{base + ".body", f.body}};
    if (!f.chain.empty()) files.push_back({base + ".chain", f.chain});
    write_files_atomic(files);
  } catch (const Error&) {
  }
}

// The cached answer while it parses and is still valid, else a fresh one (which must parse).
template <class T>
T obtain(const Request& r, const FetchOptions& o, std::vector<FetchedItem>& items,
         const std::function<Parsed<T>(const Fetched&, const std::string&)>& parse) {
  if (const auto cached = cache_read(o, r.url)) {
    try {
      Parsed<T> p = parse(*cached, r.url);
      if (p.fresh) {
        items.push_back({r.what, r.url, true});
        return std::move(p.value);
      }
    } catch (const Error&) {
      // a damaged entry: fetched again below
    }
  }
  const Fetched f = download(r, o);
  Parsed<T> p = parse(f, r.url);
  cache_write(o, r.url, f);
  items.push_back({r.what, r.url, false});
  return std::move(p.value);
}

bool all_valid(const std::vector<Cert>& certs, std::time_t now) {
  return std::all_of(certs.begin(), certs.end(), [&](const Cert& c) { return c.validity_problem(now).empty(); });
}

Parsed<std::vector<Cert>> parse_certs(const Fetched& f, const std::string& url, std::size_t expected,
                                      std::time_t now) {
  Parsed<std::vector<Cert>> p;
  p.value = load_certs(as_bytes(f.body), url);
  if (p.value.size() != expected)
    fail(url, std::to_string(p.value.size()) + " certificates where " + std::to_string(expected) + " were expected");
  // Reused while every certificate is valid.
  p.fresh = all_valid(p.value, now);
  return p;
}

// TCB info or QE identity: reused until its nextUpdate (while its issuer chain is valid).
Parsed<Collateral> parse_signed_json(const Fetched& f, const std::string& url, const char* member, std::time_t now) {
  Parsed<Collateral> p;
  add_collateral(p.value, as_bytes(f.body), url);
  const auto& list = std::string(member) == "tcbInfo" ? p.value.tcb_infos : p.value.qe_identities;
  if (list.size() != 1) fail(url, std::string("the response is not PCS ") + member + " JSON" + body_excerpt(f.body));
  add_collateral(p.value, as_bytes(f.chain), url + " (issuer chain)");
  if (p.value.certs.empty()) fail(url, "the issuer chain header holds no certificate");
  const Json& body = list.front().body;
  p.fresh = body.contains("nextUpdate") && body["nextUpdate"].is_string() &&
            parse_utc(body["nextUpdate"].get<std::string>(), url + " .nextUpdate") > now &&
            all_valid(p.value.certs, now);
  return p;
}

Parsed<Collateral> parse_crl(const Fetched& f, const std::string& url, std::time_t now) {
  Parsed<Collateral> p;
  const auto crl = load_crl(as_bytes(f.body));
  if (!crl) fail(url, "the response is not a CRL (DER or PEM)" + body_excerpt(f.body));
  p.value.crls.push_back(*crl);
  p.value.crl_files.push_back(url);
  if (!f.chain.empty()) add_collateral(p.value, as_bytes(f.chain), url + " (issuer chain)");
  // A CRL stale now is fetched again: the service may have published the next one.
  p.fresh = !crl->stale_at(now);
  return p;
}

void merge_into(Collateral& into, Collateral&& from) {
  auto move_all = [](auto& to, auto& src) {
    to.insert(to.end(), std::make_move_iterator(src.begin()), std::make_move_iterator(src.end()));
  };
  move_all(into.tcb_infos, from.tcb_infos);
  move_all(into.qe_identities, from.qe_identities);
  move_all(into.crls, from.crls);
  move_all(into.crl_files, from.crl_files);
  move_all(into.certs, from.certs);
}

std::string trimmed_url(std::string u) {
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

}  // namespace

std::string snp_product(const SnpReport& report, const std::string& given, const std::string& where) {
  const std::string from_cpuid = snp_product_guess(report);
  std::string product;
  if (!given.empty()) {
    const std::string g = ascii_lower(given);
    if (g != "milan" && g != "genoa" && g != "turin")
      throw Error(Exit::Usage, "--product", "\"" + given + "\" is not Milan, Genoa or Turin");
    product = std::string(1, static_cast<char>(g[0] - 'a' + 'A')) + g.substr(1);
    if (!from_cpuid.empty() && from_cpuid != product)
      throw Error(Exit::Usage, where, "--product " + product + ", but the report's CPUID says " + from_cpuid);
    return product;
  }
  if (!from_cpuid.empty()) return from_cpuid;
  if (!report.has_cpuid())
    throw Error(Exit::Usage, where,
                "a version " + std::to_string(report.version) +
                    " report does not name its processor: give --product Milan, Genoa or Turin to fetch its certificates");
  throw Error(Exit::Usage, where,
              "CPUID family " + to_hex(ByteVec{report.cpuid_fam}) + "h model " + to_hex(ByteVec{report.cpuid_mod}) +
                  "h is not a processor AMD KDS serves: give --product Milan, Genoa or Turin");
}

std::string vcek_url(const SnpReport& report, const std::string& product, const std::string& kds_url) {
  const bool turin = product == "Turin";
  const TcbParts t = split_tcb(report.reported_tcb, turin);
  const Bytes chip = report.chip_id();
  std::string url = trimmed_url(kds_url) + "/vcek/v1/" + product + "/" + to_hex(turin ? chip.subspan(0, 8) : chip) + "?";
  if (turin) url += "fmcSPL=" + std::to_string(t.fmc) + "&";
  url += "blSPL=" + std::to_string(t.bootloader) + "&teeSPL=" + std::to_string(t.tee) + "&snpSPL=" + std::to_string(t.snp) +
         "&ucodeSPL=" + std::to_string(t.microcode);
  return url;
}

std::string ca_chain_url(const std::string& product, bool vlek, const std::string& kds_url) {
  return trimmed_url(kds_url) + (vlek ? "/vlek/v1/" : "/vcek/v1/") + product + "/cert_chain";
}

SnpFetched fetch_snp(const Evidence& e, bool fetch_vek, bool vlek, const FetchOptions& o) {
  if (!e.snp) fail(e.source, "not an SEV-SNP report");
  const SnpReport& rep = *e.snp;
  const std::string product = snp_product(rep, o.product, e.source);
  SnpFetched out;
  if (fetch_vek) {
    if (rep.signing_key() == SnpSigningKey::Vlek)
      throw Error(Exit::Usage, e.source,
                  "the report is signed with a VLEK, which AMD KDS does not serve (it is issued to the cloud provider): "
                  "give it with --vlek");
    const Request r{"VCEK", vcek_url(rep, product, o.kds_url), ""};
    out.vek = obtain<std::vector<Cert>>(r, o, out.items, [&](const Fetched& f, const std::string& url) {
      return parse_certs(f, url, 1, o.now);
    });
  }
  const Request r{vlek ? "ASVK and ARK" : "ASK and ARK", ca_chain_url(product, vlek, o.kds_url), ""};
  out.ca = obtain<std::vector<Cert>>(r, o, out.items, [&](const Fetched& f, const std::string& url) {
    return parse_certs(f, url, 2, o.now);
  });
  return out;
}

TdxFetched fetch_tdx(const Evidence& e, const FetchOptions& o) {
  if (!e.tdx) fail(e.source, "not a TDX quote");
  if (e.embedded_certs.size() < 2)
    fail(e.source, "the quote carries no PCK chain, so its FMSPC and CA are unknown: give --collateral instead");
  const Cert& pck = e.embedded_certs.front();
  const PckInfo info = parse_pck_extension(pck, e.source + ": PCK leaf");
  const std::string issuer = pck.issuer_cn();
  std::string ca;
  if (issuer.find("Platform") != std::string::npos) ca = "platform";
  else if (issuer.find("Processor") != std::string::npos) ca = "processor";
  else fail(e.source, "the PCK leaf's issuer \"" + issuer + "\" is neither the PCK Platform CA nor the Processor CA");

  const std::string pcs = trimmed_url(o.pcs_url);
  const std::string root_crl = o.pcs_url == kIntelPcsUrl ? kIntelRootCrlUrl : pcs + "/IntelSGXRootCA.der";
  TdxFetched out;
  auto signed_json = [&](const char* member) {
    return [&o, member](const Fetched& f, const std::string& url) { return parse_signed_json(f, url, member, o.now); };
  };
  auto crl = [&o](const Fetched& f, const std::string& url) { return parse_crl(f, url, o.now); };
  merge_into(out.collateral,
             obtain<Collateral>({"TCB info", pcs + "/tdx/certification/v4/tcb?fmspc=" + info.fmspc, "tcb-info-issuer-chain"},
                                o, out.items, signed_json("tcbInfo")));
  merge_into(out.collateral, obtain<Collateral>({"QE identity", pcs + "/tdx/certification/v4/qe/identity",
                                                 "sgx-enclave-identity-issuer-chain"},
                                                o, out.items, signed_json("enclaveIdentity")));
  merge_into(out.collateral,
             obtain<Collateral>({"PCK CRL", pcs + "/sgx/certification/v4/pckcrl?ca=" + ca + "&encoding=der",
                                 "sgx-pck-crl-issuer-chain"},
                                o, out.items, crl));
  merge_into(out.collateral, obtain<Collateral>({"root CA CRL", root_crl, ""}, o, out.items, crl));
  return out;
}

std::string fetch_cache_dir(const std::string& coco_cache_dir) { return coco_cache_dir + "/evidence"; }

FetchCacheUsage fetch_cache_usage(const std::string& cache_dir) {
  FetchCacheUsage u;
  std::error_code ec;
  for (auto it = fs::directory_iterator(cache_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec) && it->path().extension() == ".body") ++u.entries, u.bytes += it->file_size(ec);
  return u;
}

FetchCacheUsage fetch_cache_prune(const std::string& cache_dir) {
  const FetchCacheUsage u = fetch_cache_usage(cache_dir);
  std::error_code ec;
  fs::remove_all(cache_dir, ec);
  if (ec) fail(cache_dir, "cannot remove the cache: " + ec.message());
  return u;
}

}  // namespace coco::evidence
