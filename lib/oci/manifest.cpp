// SPDX-License-Identifier: Apache-2.0
#include "oci/manifest.h"

#include <sys/utsname.h>

#include "oci/media_types.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::oci {

std::string Platform::str() const { return os + "/" + architecture + (variant.empty() ? "" : "/" + variant); }

Platform parse_platform(const std::string& text) {
  Platform p;
  const auto a = text.find('/');
  if (a == std::string::npos || a == 0) usage_error("--platform '" + text + "': expected os/arch[/variant]");
  p.os = text.substr(0, a);
  const auto b = text.find('/', a + 1);
  p.architecture = text.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  if (b != std::string::npos) p.variant = text.substr(b + 1);
  if (p.architecture.empty() || p.variant.find('/') != std::string::npos || (b != std::string::npos && p.variant.empty()))
    usage_error("--platform '" + text + "': expected os/arch[/variant]");
  return p;
}

Platform host_platform() {
  // Go's GOARCH names, as images use them.
  utsname u{};
  uname(&u);
  const std::string m = u.machine;
  if (m == "x86_64") return {"linux", "amd64", ""};
  if (m == "aarch64") return {"linux", "arm64", "v8"};
  if (m == "s390x") return {"linux", "s390x", ""};
  if (m == "ppc64le") return {"linux", "ppc64le", ""};
  if (m.starts_with("armv7")) return {"linux", "arm", "v7"};
  return {"linux", m, ""};
}

bool is_index_type(std::string_view t) { return t == kOciIndex || t == kDockerManifestList; }
bool is_manifest_type(std::string_view t) { return t == kOciManifest || t == kDockerManifest; }

std::string sha256_digest(std::string_view body) { return "sha256:" + to_hex(digest(Algo::Sha256, body)); }

void verify_digest(std::string_view body, const std::string& d, const std::string& where) {
  const auto colon = d.find(':');
  const std::string alg = colon == std::string::npos ? "" : d.substr(0, colon);
  if (alg != "sha256" && alg != "sha512") fail(where, "unsupported digest '" + d + "'");
  const std::string got = alg + ":" + to_hex(digest(parse_algo(alg), body));
  if (got != d) fail(where, "digest mismatch: expected " + d + ", got " + got);
}

Descriptor parse_descriptor(const Json& j, const std::string& where) {
  if (!j.is_object()) fail(where, "descriptor is not an object");
  Descriptor d;
  const auto str = [&](const char* k, bool required) -> std::string {
    if (!j.contains(k)) {
      if (required) fail(where, std::string("descriptor has no ") + k);
      return {};
    }
    if (!j[k].is_string()) fail(where, std::string("descriptor ") + k + " is not a string");
    return j[k].get<std::string>();
  };
  d.media_type = str("mediaType", true);
  d.digest = str("digest", true);
  if (!j.contains("size") || !j["size"].is_number_unsigned())
    fail(where, "descriptor " + d.digest + " has no valid size");
  d.size = j["size"].get<std::uint64_t>();
  const auto colon = d.digest.find(':');
  const std::string hexpart = colon == std::string::npos ? "" : d.digest.substr(colon + 1);
  const bool hex_ok = !hexpart.empty() && hexpart.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex_ok || (d.digest.starts_with("sha256:") && hexpart.size() != 64) ||
      (d.digest.starts_with("sha512:") && hexpart.size() != 128))
    fail(where, "descriptor digest '" + d.digest + "' is malformed");
  if (j.contains("platform") && j["platform"].is_object()) {
    const Json& p = j["platform"];
    Platform pl;
    if (p.contains("os") && p["os"].is_string()) pl.os = p["os"];
    if (p.contains("architecture") && p["architecture"].is_string()) pl.architecture = p["architecture"];
    if (p.contains("variant") && p["variant"].is_string()) pl.variant = p["variant"];
    d.platform = pl;
  }
  if (j.contains("annotations") && j["annotations"].is_object())
    for (const auto& [k, v] : j["annotations"].items())
      if (v.is_string()) d.annotations[k] = v.get<std::string>();
  return d;
}

std::string document_type(std::string_view body, const std::string& content_type, const std::string& where) {
  const Json j = parse_json(body, where);
  if (!j.is_object()) fail(where, "manifest is not a JSON object");
  std::string t;
  if (j.contains("mediaType") && j["mediaType"].is_string()) t = j["mediaType"];
  if (t.empty()) t = content_type.substr(0, content_type.find(';'));
  if (t.empty() || t == "application/json") t = j.contains("manifests") ? kOciIndex : j.contains("layers") ? kOciManifest : "";
  if (t == kDockerSchema1 || t == kDockerSchema1Signed || (j.contains("schemaVersion") && j["schemaVersion"] == 1))
    fail(where, "Docker schema 1 manifests are not supported (deprecated; their digests differ from v2)");
  if (!is_index_type(t) && !is_manifest_type(t)) fail(where, "unsupported manifest media type '" + t + "'");
  return t;
}

Index parse_index(std::string_view body, const std::string& where) {
  const Json j = parse_json(body, where);
  if (!j.is_object() || !j.contains("manifests") || !j["manifests"].is_array())
    fail(where, "index has no manifests array");
  Index idx;
  for (const Json& m : j["manifests"]) idx.manifests.push_back(parse_descriptor(m, where));
  return idx;
}

Manifest parse_manifest(std::string_view body, const std::string& where) {
  const Json j = parse_json(body, where);
  if (!j.is_object()) fail(where, "manifest is not a JSON object");
  Manifest m;
  if (j.contains("mediaType") && j["mediaType"].is_string()) m.media_type = j["mediaType"];
  if (!j.contains("config")) fail(where, "manifest has no config descriptor");
  m.config = parse_descriptor(j["config"], where);
  if (!j.contains("layers") || !j["layers"].is_array()) fail(where, "manifest has no layers array");
  for (const Json& l : j["layers"]) m.layers.push_back(parse_descriptor(l, where));
  return m;
}

const Descriptor& select_platform(const Index& index, const Platform& want, const std::string& where) {
  const auto variant_of = [](const Platform& p) {
    return p.variant.empty() && p.architecture == "arm64" ? std::string("v8") : p.variant;
  };
  std::string seen;
  const Descriptor* loose = nullptr;  // os/arch match when the user named no variant
  for (const Descriptor& d : index.manifests) {
    if (!d.platform || d.platform->os == "unknown") continue;  // BuildKit attestations
    if (d.annotations.count("vnd.docker.reference.type")) continue;
    const Platform& p = *d.platform;
    seen += (seen.empty() ? "" : ", ") + p.str();
    if (p.os != want.os || p.architecture != want.architecture) continue;
    if (variant_of(p) == variant_of(want)) return d;
    if (want.variant.empty() && !loose) loose = &d;
  }
  if (loose) return *loose;
  fail(where, "no manifest for platform " + want.str() + " in the index (it has: " + (seen.empty() ? "none" : seen) +
                  "); choose one with --platform");
}

}  // namespace coco::oci
