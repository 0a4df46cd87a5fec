// SPDX-License-Identifier: Apache-2.0
#include "attest/refvals.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::attest {
namespace {

constexpr const char* kRvpsVersion = "0.1.0";

// Collected values, kept in first-seen order per name.
class Collector {
 public:
  void add(const std::string& name, const std::string& value, const std::string& source) {
    auto it = std::find_if(values_.begin(), values_.end(), [&](const ReferenceValue& r) { return r.name == name; });
    if (it == values_.end()) {
      values_.push_back({name, {}, {}});
      it = values_.end() - 1;
    }
    if (std::find(it->values.begin(), it->values.end(), value) == it->values.end()) it->values.push_back(value);
    if (std::find(it->sources.begin(), it->sources.end(), source) == it->sources.end()) it->sources.push_back(source);
  }
  std::vector<ReferenceValue> take() {
    // A stable order users can diff: the names the default policy checks first, then the rest.
    static const std::vector<std::string> order = {"snp_launch_measurement", "snp_init_data", "mr_td", "rtmr_0",
                                                   "rtmr_1", "rtmr_2", "rtmr_3", "mr_config_id", "container_images"};
    auto rank = [](const std::string& n) { return std::find(order.begin(), order.end(), n) - order.begin(); };
    std::stable_sort(values_.begin(), values_.end(),
                     [&](const ReferenceValue& a, const ReferenceValue& b) { return rank(a.name) < rank(b.name); });
    return std::move(values_);
  }

 private:
  std::vector<ReferenceValue> values_;
};

const Json& member(const Json& object, const char* key, const std::string& file, const std::string& path) {
  if (!object.is_object()) fail(file, (path.empty() ? std::string("the document") : path) + ": expected a JSON object");
  const auto it = object.find(key);
  if (it == object.end()) fail(file, (path.empty() ? "" : path + ".") + key + ": missing");
  return *it;
}

// A hex field of exactly `bytes` bytes, returned in lower case.
std::string hex_field(const Json& v, std::size_t bytes, const std::string& file, const std::string& path) {
  if (!v.is_string()) fail(file, path + ": expected a hex string of " + std::to_string(bytes) + " bytes");
  std::string s = v.get<std::string>();
  if (s.size() != 2 * bytes || !std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
    fail(file, path + ": expected " + std::to_string(2 * bytes) + " hex digits (" + std::to_string(bytes) +
                   " bytes), got \"" + (s.size() > 120 ? s.substr(0, 120) + "…" : s) + "\"");
  return ascii_lower(s);
}

std::string encode(const std::string& hex, RefEncoding e) {
  return e == RefEncoding::Hex ? hex : to_base64(from_hex(hex));
}

std::string string_field(const Json& v, const std::string& file, const std::string& path) {
  if (!v.is_string() || v.get<std::string>().empty()) fail(file, path + ": expected a non-empty string");
  return v.get<std::string>();
}

// "registry/app:1.0" → "registry/app"; "registry/app@sha256:…" → "registry/app"; ports survive.
std::string repository_of(const std::string& reference) {
  std::string r = reference.substr(0, reference.find('@'));
  const auto slash = r.rfind('/');
  const auto colon = r.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) r.resize(colon);
  return r;
}

std::string digest_field(const Json& v, const std::string& file, const std::string& path) {
  const std::string d = string_field(v, file, path);
  if (d.rfind("sha256:", 0) != 0) fail(file, path + ": expected \"sha256:<64 hex digits>\"");
  return "sha256:" + hex_field(Json(d.substr(7)), 32, file, path);
}

void read_snp(const NamedInput& in, RefEncoding enc, Collector& out) {
  const Json j = parse_json(in.text, in.name);
  const std::string mode = string_field(member(j, "mode", in.name, ""), in.name, "mode");
  if (mode != "snp" && mode.rfind("snp:", 0) != 0)
    fail(in.name, "mode: \"" + mode + "\" is not an SEV-SNP launch digest; Trustee's snp_launch_measurement "
                  "compares SNP attestation reports");
  out.add("snp_launch_measurement", encode(hex_field(member(j, "launch_digest", in.name, ""), 48, in.name, "launch_digest"), enc),
          in.name);
}

void read_tdx(const NamedInput& in, Collector& out) {
  const Json j = parse_json(in.text, in.name);
  out.add("mr_td", hex_field(member(j, "mrtd", in.name, ""), 48, in.name, "mrtd"), in.name);
  const Json& rtmr = member(j, "rtmr", in.name, "");
  if (!rtmr.is_array() || rtmr.size() != 4) fail(in.name, "rtmr: expected an array of 4 entries (hex or null)");
  for (std::size_t i = 0; i < 4; ++i) {
    if (rtmr[i].is_null()) continue;  // not computed for this profile
    const std::string path = "rtmr[" + std::to_string(i) + "]";
    out.add("rtmr_" + std::to_string(i), hex_field(rtmr[i], 48, in.name, path), in.name);
  }
}

void read_policy(const NamedInput& in, RefEncoding enc, Collector& out) {
  const Json j = parse_json(in.text, in.name);
  const Json& pods = member(j, "pods", in.name, "");
  if (!pods.is_array()) fail(in.name, "pods: expected an array");
  for (std::size_t i = 0; i < pods.size(); ++i) {
    const std::string p = "pods[" + std::to_string(i) + "]";
    const Json& pod = pods[i];
    out.add("snp_init_data", encode(hex_field(member(pod, "snp_hostdata", in.name, p), 32, in.name, p + ".snp_hostdata"), enc),
            in.name);
    out.add("mr_config_id", hex_field(member(pod, "tdx_mrconfigid", in.name, p), 48, in.name, p + ".tdx_mrconfigid"), in.name);
    if (pod.contains("images")) {
      const Json& images = pod["images"];
      if (!images.is_array()) fail(in.name, p + ".images: expected an array");
      for (std::size_t k = 0; k < images.size(); ++k) {
        const std::string path = p + ".images[" + std::to_string(k) + "]";
        const std::string ref = string_field(images[k], in.name, path);
        if (ref.find("@sha256:") == std::string::npos) fail(in.name, path + ": expected a pinned name@sha256:… reference");
        out.add("container_images", ref, in.name);
      }
    }
  }
}

void read_image_hashes(const NamedInput& in, Collector& out) {
  const Json j = parse_json(in.text, in.name);
  const Json& images = member(j, "images", in.name, "");
  if (!images.is_array()) fail(in.name, "images: expected an array");
  for (std::size_t i = 0; i < images.size(); ++i) {
    const std::string p = "images[" + std::to_string(i) + "]";
    const Json& img = images[i];
    const std::string ref = string_field(member(img, "reference", in.name, p), in.name, p + ".reference");
    const Json& index = member(img, "index_digest", in.name, p);
    const std::string digest = index.is_null() ? digest_field(member(img, "manifest_digest", in.name, p), in.name, p + ".manifest_digest")
                                               : digest_field(index, in.name, p + ".index_digest");
    out.add("container_images", repository_of(ref) + "@" + digest, in.name);
  }
}

bool valid_date(int y, int mo, int d, int h, int mi, int s) {
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1] &&
         !(mo == 2 && d == 29 && !leap) && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59;
}

}  // namespace

std::string to_string(RefEncoding e) { return e == RefEncoding::Hex ? "hex" : "base64"; }

RefEncoding parse_ref_encoding(std::string_view name) {
  if (name == "hex") return RefEncoding::Hex;
  if (name == "base64") return RefEncoding::Base64;
  throw Error(Exit::Usage, "unknown encoding '" + std::string(name) + "' (hex, base64)");
}

std::string TrusteeVersion::text() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

TrusteeVersion parse_trustee_version(std::string_view text) {
  std::string_view t = text;
  if (!t.empty() && t.front() == 'v') t.remove_prefix(1);
  TrusteeVersion v;
  int* parts[] = {&v.major, &v.minor, &v.patch};
  std::size_t n = 0;
  while (n < 3) {
    std::size_t len = 0;
    while (len < t.size() && std::isdigit(static_cast<unsigned char>(t[len]))) ++len;
    if (len == 0 || len > 6) break;
    *parts[n++] = std::stoi(std::string(t.substr(0, len)));
    t.remove_prefix(len);
    if (t.empty() || t.front() != '.') break;
    t.remove_prefix(1);
  }
  if (n < 2 || !t.empty())
    throw Error(Exit::Usage, "--trustee-version: expected a release such as v0.18.0, got '" + std::string(text) + "'");
  return v;
}

RefEncoding snp_encoding_for(const TrusteeVersion& v) {
  // trustee d7831293 ("Change SNP verifier to use hex encoding") first shipped in v0.18.0.
  const bool before = v.major == 0 && v.minor < 18;
  return before ? RefEncoding::Base64 : RefEncoding::Hex;
}

std::vector<ReferenceValue> collect_reference_values(const RefvalInputs& inputs, RefEncoding snp_encoding) {
  if (inputs.snp.empty() && inputs.tdx.empty() && inputs.policy.empty() && inputs.image_hashes.empty())
    throw Error(Exit::Usage, "no inputs: give --snp, --tdx, --policy or --image-hashes files");
  Collector c;
  for (const auto& in : inputs.snp) read_snp(in, snp_encoding, c);
  for (const auto& in : inputs.tdx) read_tdx(in, c);
  for (const auto& in : inputs.policy) read_policy(in, snp_encoding, c);
  for (const auto& in : inputs.image_hashes) read_image_hashes(in, c);
  return c.take();
}

std::string parse_expiration(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail = 0;
  const std::string t(text);
  const bool full = t.size() == 20 && std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%c", &y, &mo, &d, &h, &mi, &s, &tail) == 6 &&
                    t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[19] == 'Z';
  const bool date = t.size() == 10 && std::sscanf(t.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3 && t[4] == '-' && t[7] == '-';
  if (!(full || date) || !valid_date(y, mo, d, h, mi, s))
    throw Error(Exit::Usage, "--expires: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC), got '" + t + "'");
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
  return out;
}

std::string expiration_one_year_from_now() {
  const std::time_t now = std::time(nullptr) + 365L * 24 * 3600;  // the sample extractor's default
  std::tm tm{};
  gmtime_r(&now, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

Json trustee_rvps_message(const std::vector<ReferenceValue>& values) {
  Json provenance = Json::object();
  for (const auto& v : values) provenance[v.name] = v.values;
  return {{"version", kRvpsVersion}, {"type", "sample"}, {"payload", to_base64(as_bytes(provenance.dump()))}};
}

Json trustee_configmap(const std::vector<ReferenceValue>& values, const std::string& expiration) {
  Json out = Json::array();
  for (const auto& v : values)
    out.push_back({{"version", kRvpsVersion}, {"name", v.name}, {"expiration", expiration}, {"value", v.values}});
  return out;
}

Json refvals_json(const std::vector<ReferenceValue>& values, RefEncoding snp_encoding,
                  const std::optional<TrusteeVersion>& version, const std::string& expiration) {
  Json rv = Json::array();
  for (const auto& v : values) rv.push_back({{"name", v.name}, {"values", v.values}, {"sources", v.sources}});
  return {{"encoding", to_string(snp_encoding)},
          {"trustee_version", version ? Json(version->text()) : Json(nullptr)},
          {"expiration", expiration},
          {"reference_values", std::move(rv)}};
}

Statement refvals_statement(const std::string& output_name, std::string_view document, const RefvalInputs& inputs,
                            const Json& settings) {
  Statement st;
  st.subjects.push_back(bytes_subject(output_name, as_bytes(document)));
  st.predicate_type = std::string(kRefvalsPredicate);
  Json used = Json::array();
  const std::pair<const char*, const std::vector<NamedInput>*> kinds[] = {
      {"snp", &inputs.snp}, {"tdx", &inputs.tdx}, {"policy", &inputs.policy}, {"image-hashes", &inputs.image_hashes}};
  for (const auto& [kind, list] : kinds)
    for (const auto& in : *list)
      used.push_back({{"kind", kind}, {"file", in.name}, {"sha256", to_hex(digest(Algo::Sha256, in.text))}});
  st.predicate = settings;
  st.predicate["inputs"] = std::move(used);
  return st;
}

}  // namespace coco::attest
