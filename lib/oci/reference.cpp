// SPDX-License-Identifier: Apache-2.0
#include "oci/reference.h"

#include <algorithm>
#include <cctype>

#include <sys/stat.h>

#include "util/error.h"

namespace coco::oci {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// distribution/reference path component: [a-z0-9]+ joined by '.', '_', '__' or '-'+.
bool valid_component(const std::string& c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const char ch = c[i];
    if (is_lower_alnum(ch)) continue;
    if (ch == '.' || ch == '-') {
      if (ch == '.' && !is_lower_alnum(c[i + 1])) return false;
      continue;
    }
    if (ch == '_') {
      if (c[i + 1] == '_') ++i;
      if (!is_lower_alnum(c[i + 1])) return false;
      continue;
    }
    return false;
  }
  return true;
}

bool valid_tag(const std::string& t) {
  if (t.empty() || t.size() > 128) return false;
  if (!(std::isalnum(static_cast<unsigned char>(t[0])) || t[0] == '_')) return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

bool valid_digest(const std::string& d) {
  const auto colon = d.find(':');
  if (colon == std::string::npos) return false;
  const std::string alg = d.substr(0, colon), hex = d.substr(colon + 1);
  const bool hex_ok = hex.find_first_not_of("0123456789abcdef") == std::string::npos;
  return hex_ok && ((alg == "sha256" && hex.size() == 64) || (alg == "sha512" && hex.size() == 128));
}

// distribution/reference domain: components [A-Za-z0-9] or [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]
// joined by '.', an optional ":port", or a bracketed IPv6 address. Anything else (an '_', a '!',
// a space) would only fail later as an unresolvable host, after retries.
bool valid_domain(const std::string& d) {
  std::string host = d;
  if (const auto colon = d.rfind(':'); colon != std::string::npos && d.find(']', colon) == std::string::npos) {
    const std::string port = d.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
    host = d.substr(0, colon);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    return host.find_first_not_of("0123456789abcdefABCDEF:.", 1) == host.size() - 1;
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = host.find('.', start);
    const std::string c = host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const auto alnum = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; };
    if (c.empty() || !alnum(c.front()) || !alnum(c.back())) return false;
    if (!std::all_of(c.begin(), c.end(), [&](char ch) { return alnum(ch) || ch == '-'; })) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

// containers/image transports coco does not read: "NAME:rest" with one of these names is that
// transport, never an image called NAME (docker://NAME:TAG still names such an image), and fails
// before any network traffic.
constexpr const char* kOtherTransports[] = {"containers-storage", "docker-daemon", "ostree", "sif", "tarball",
                                            "atomic", "oci-layout", "docker-image"};
constexpr const char* kSupported = "docker://, oci:, oci-archive:, docker-archive:, dir:";

bool is_directory(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

// For a bare local path: the transport that reads what is there.
std::string local_hint(const std::string& text) {
  if (is_directory(text)) {
    if (exists(text + "/oci-layout")) return "oci:" + text;
    if (exists(text + "/manifest.json")) return "dir:" + text;
    return "oci:" + text + " (an OCI layout) or dir:" + text + " (skopeo's directory)";
  }
  return "docker-archive:" + text + " or oci-archive:" + text;
}

}  // namespace

std::string Reference::name() const { return domain + "/" + path; }
std::string Reference::api_host() const { return domain == "docker.io" ? "registry-1.docker.io" : domain; }
std::string Reference::str() const {
  return name() + (tag.empty() ? "" : ":" + tag) + (digest.empty() ? "" : "@" + digest);
}

Reference parse_reference(const std::string& text) {
  const auto bad = [&](const std::string& why) -> Reference { fail(text, "not a valid image reference: " + why); };
  if (text.empty()) return bad("empty");
  Reference r;
  std::string rest = text;
  if (const auto at = rest.find('@'); at != std::string::npos) {
    r.digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!valid_digest(r.digest)) return bad("digest '" + r.digest + "' is not sha256:<64 hex> or sha512:<128 hex>");
  }
  // A tag follows the last ':' after the last '/' (a ':' before it is a registry port).
  const auto slash = rest.rfind('/');
  if (const auto colon = rest.rfind(':'); colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    r.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!valid_tag(r.tag)) return bad("tag '" + r.tag + "' is malformed");
  }
  const auto first = rest.find('/');
  const std::string head = rest.substr(0, first);
  if (first != std::string::npos && (head.find('.') != std::string::npos || head.find(':') != std::string::npos ||
                                     head == "localhost")) {
    r.domain = head;
    r.path = rest.substr(first + 1);
    if (r.domain == "index.docker.io") r.domain = "docker.io";
  } else {
    r.domain = "docker.io";
    r.path = rest;
  }
  if (r.domain == "docker.io" && r.path.find('/') == std::string::npos) r.path = "library/" + r.path;
  if (!valid_domain(r.domain)) return bad("registry host '" + r.domain + "' is malformed");
  std::size_t pos = 0;
  while (true) {
    const auto next = r.path.find('/', pos);
    if (!valid_component(r.path.substr(pos, next == std::string::npos ? std::string::npos : next - pos)))
      return bad("repository '" + r.path + "' must be lower-case letters, digits and separators");
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  if (r.tag.empty() && r.digest.empty()) r.tag = "latest";
  return r;
}

std::string source_kind_name(SourceKind k) {
  switch (k) {
    case SourceKind::Registry: return "registry";
    case SourceKind::OciLayout: return "oci";
    case SourceKind::DockerArchive: return "docker-archive";
    case SourceKind::OciArchive: return "oci-archive";
    case SourceKind::Dir: return "dir";
  }
  return "?";
}

Source parse_source(const std::string& text) {
  Source s;
  s.text = text;
  const auto local = [&](SourceKind k, std::size_t prefix) {
    s.kind = k;
    const std::string rest = text.substr(prefix);
    // PATH[:REF]: the first ':' ends the path, as skopeo splits it.
    const auto colon = rest.find(':');
    s.path = rest.substr(0, colon);
    if (colon != std::string::npos) s.ref = rest.substr(colon + 1);
    if (s.path.empty()) usage_error("'" + text + "': the source needs a path");
    return s;
  };
  if (text.starts_with("oci:")) return local(SourceKind::OciLayout, 4);
  if (text.starts_with("oci-archive:")) return local(SourceKind::OciArchive, 12);
  if (text.starts_with("docker-archive:")) return local(SourceKind::DockerArchive, 15);
  if (text.starts_with("dir:")) {
    s.kind = SourceKind::Dir;
    s.path = text.substr(4);  // skopeo's dir: has no tag: the whole rest is the path
    if (s.path.empty()) usage_error("'" + text + "': the source needs a path");
    return s;
  }
  if (const auto scheme = text.find("://"); scheme != std::string::npos && !text.starts_with("docker://"))
    usage_error("'" + text + "': unsupported transport " + text.substr(0, scheme) + "://" + " (supported: " +
                kSupported + ")");
  if (const auto colon = text.find(':'); colon != std::string::npos)
    for (const char* t : kOtherTransports)
      if (text.substr(0, colon) == t)
        usage_error("'" + text + "': unsupported transport " + std::string(t) + ": (supported: " + kSupported + ")");
  const bool explicit_registry = text.starts_with("docker://");
  s.ref = explicit_registry ? text.substr(9) : text;
  const bool looks_local = text.starts_with("/") || text.starts_with("./") || text.starts_with("../") || text == "." ||
                           text.starts_with("~/");
  try {
    parse_reference(s.ref);  // validates now, so a typo fails before any network traffic
  } catch (const Error& e) {
    if (!explicit_registry && (looks_local || exists(text)))
      usage_error("'" + text + "' is a local path, not an image reference; did you mean " + local_hint(text) + "?");
    throw Error(Exit::Usage, e.what());  // a bad argument, not bad data
  }
  return s;
}

}  // namespace coco::oci
