// SPDX-License-Identifier: Apache-2.0
// The registry source (OCI distribution spec 1.1 pull flow; plumbing.md §1.1, §1.2, §1.5).
#include <signal.h>

#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "oci/auth.h"
#include "oci/http.h"
#include "oci/image_facts.h"
#include "oci/media_types.h"
#include "oci/source.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/output.h"

namespace coco::oci {
namespace {

constexpr int kMaxRedirects = 10;
constexpr long kMaxRetryAfterS = 60;

std::string origin_of(const std::string& url) {  // scheme://host[:port]
  const auto p = url.find("://");
  const auto slash = url.find('/', p == std::string::npos ? 0 : p + 3);
  return url.substr(0, slash);
}

std::string resolve_location(const std::string& location, const std::string& base) {
  if (location.find("://") != std::string::npos) return location;
  if (location.starts_with("/")) return origin_of(base) + location;
  return base.substr(0, base.rfind('/') + 1) + location;
}

// The registry's JSON error body ({"errors":[{"code","message"}]}) or a plain-text excerpt.
std::string error_text(const HttpResponse& r) {
  try {
    const Json j = parse_json(r.body, "registry response");
    std::string out;
    for (const Json& e : j.at("errors")) {
      const std::string code = e.value("code", ""), msg = e.value("message", "");
      out += (out.empty() ? "" : "; ") + code + (msg.empty() ? "" : ": " + msg);
    }
    if (!out.empty()) return out;
  } catch (const std::exception&) {
  }
  std::string text = r.body.substr(0, 200);
  for (char& c : text)
    if (c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  return text;
}

void ignore_sigpipe() {  // a credential helper or peer that goes away must not kill coco
  static std::once_flag once;
  std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });
}

class Registry : public ImageSource {
 public:
  Registry(Source s, const ImageOptions& o)
      : s_(std::move(s)), ref_(parse_reference(s_.ref)), auth_file_(o.auth_file), retries_(o.retries),
        retry_base_ms_(o.retry_base_ms) {
    ignore_sigpipe();
    for (const std::string& h : o.insecure_registries)
      if (h == ref_.domain || h == ref_.api_host()) insecure_ = true;
    base_ = "https://" + ref_.api_host();
    if (insecure_) {
      // A registry named insecure may speak plain HTTP or TLS with any certificate: ask once.
      HttpRequest ping;
      ping.url = base_ + "/v2/";
      ping.verify_tls = false;
      ping.timeout_connect_s = 5;
      try {
        http_perform(ping);
      } catch (const TransportError&) {
        base_ = "http://" + ref_.api_host();
      }
    }
  }

  ResolvedImage resolve(const Platform& platform) override {
    const std::string target = ref_.digest.empty() ? ref_.tag : ref_.digest;
    HttpResponse r = get_manifest(target);
    const std::string digest = ref_.digest.empty() ? sha256_digest(r.body) : ref_.digest;
    const std::string where = s_.text;
    if (!ref_.digest.empty()) verify_digest(r.body, ref_.digest, where + ": manifest");
    const std::string claimed = r.header("docker-content-digest");
    if (!claimed.empty() && claimed.starts_with("sha256:") && ref_.digest.empty() && claimed != digest)
      fail(where, "the registry says the manifest is " + claimed + " but its bytes hash to " + digest);
    const BlobReader read = [&](const Descriptor& d) {
      if (d.size > kMaxManifestBytes) fail(where, d.digest + " is too large for a manifest or config");
      const bool manifest = is_index_type(d.media_type) || is_manifest_type(d.media_type);
      const HttpResponse b = manifest ? get_manifest(d.digest) : get_small_blob(d.digest);
      verify_digest(b.body, d.digest, where + ": " + (manifest ? "manifest " : "blob ") + d.digest);
      return b.body;
    };
    ResolvedImage img = resolve_from(r.body, digest, r.header("content-type"), platform, read, where);
    img.pinned = ref_.pinned(digest);
    return img;
  }

  void stream_blob(const Descriptor& d, const std::function<void(Bytes)>& sink,
                   const std::function<void()>& restart) override {
    const HttpResponse r = send(blob_url(d.digest), {}, sink, restart, "blob " + d.digest);
    if (r.status / 100 != 2) status_error(r, "blob " + d.digest);
  }

 private:
  std::string repo_url() const { return base_ + "/v2/" + ref_.path; }
  std::string blob_url(const std::string& digest) const { return repo_url() + "/blobs/" + digest; }

  HttpResponse get_manifest(const std::string& target) {
    HttpResponse r = send(repo_url() + "/manifests/" + target, {std::string("Accept: ") + kManifestAccept}, nullptr,
                          nullptr, "manifest " + target);
    if (r.status != 200) status_error(r, "manifest " + target);
    return r;
  }
  HttpResponse get_small_blob(const std::string& digest) {
    HttpResponse r = send(blob_url(digest), {}, nullptr, nullptr, "blob " + digest);
    if (r.status != 200) status_error(r, "blob " + digest);
    return r;
  }

  [[noreturn]] void status_error(const HttpResponse& r, const std::string& what) const {
    const std::string detail = error_text(r);
    const std::string msg = what + ": HTTP " + std::to_string(r.status) + (detail.empty() ? "" : " (" + detail + ")");
    if (r.status == 401 || r.status == 403)
      fail(s_.text, msg + "; check the credentials (docker login, --authfile, $REGISTRY_AUTH_FILE)");
    if (r.status == 429 || r.status >= 500) throw Error(Exit::Transient, s_.text, msg + " (retry later)");
    fail(s_.text, msg);
  }

  // One logical request: authentication on 401, redirects followed by hand (credentials stay with
  // the registry's origin; no HTTPS → HTTP downgrade unless the registry is insecure), retries with
  // exponential backoff and jitter on transport errors, 429 and 5xx (Retry-After honoured).
  HttpResponse send(const std::string& url0, const std::vector<std::string>& headers,
                    const std::function<void(Bytes)>& sink, const std::function<void()>& restart,
                    const std::string& what) {
    std::string last;
    bool authenticated_now = false;
    for (unsigned attempt = 0; attempt <= retries_;) {
      std::string url = url0;
      HttpResponse r;
      try {
        for (int hops = 0;; ++hops) {
          HttpRequest req;
          req.url = url;
          req.headers = headers;
          req.verify_tls = !insecure_;
          if (origin_of(url) == origin_of(base_)) {
            std::lock_guard lock(auth_mu_);
            if (!auth_header_.empty()) req.headers.push_back(auth_header_);
          }
          r = http_perform(req, sink, kMaxManifestBytes);
          if (r.status < 300 || r.status >= 400 || r.status == 304) break;
          const std::string loc = r.header("location");
          if (loc.empty()) break;
          if (hops == kMaxRedirects) fail(s_.text, what + ": more than " + std::to_string(kMaxRedirects) + " redirects");
          const std::string next = resolve_location(loc, url);
          if (!next.starts_with("https://") && !(insecure_ && next.starts_with("http://")))
            fail(s_.text, what + ": refusing a redirect to " + origin_of(next) + " (not HTTPS)");
          url = next;
        }
      } catch (const TransportError& e) {
        if (e.tls && !insecure_)  // a retry will not change the certificate or the protocol
          fail(s_.text, what + ": TLS with " + origin_of(url) + " failed (" + e.message +
                            "); for a plain-HTTP or self-signed registry pass --insecure-registry " + ref_.domain);
        if (e.permanent) fail(s_.text, what + ": " + e.message + " (" + origin_of(url) + ")");
        if (e.bytes > 0 && restart) restart();
        last = e.message;
        backoff(attempt++, 0);
        continue;
      }
      if (r.status == 401 && !authenticated_now) {
        authenticate(r.header("www-authenticate"), what);
        authenticated_now = true;
        continue;  // not counted as an attempt
      }
      if (r.status == 429 || r.status >= 500) {
        last = "HTTP " + std::to_string(r.status) + (error_text(r).empty() ? "" : " (" + error_text(r) + ")");
        long wait_s = 0;
        const std::string ra = r.header("retry-after");
        if (!ra.empty() && ra.find_first_not_of("0123456789") == std::string::npos && ra.size() < 9) {
          wait_s = std::stol(ra);
          if (wait_s > kMaxRetryAfterS)
            throw Error(Exit::Transient, s_.text, what + ": " + last + "; the registry asks to retry after " + ra + " s");
        }
        if (attempt == retries_) return r;  // the caller reports the status
        backoff(attempt++, wait_s);
        continue;
      }
      return r;
    }
    throw Error(Exit::Transient, s_.text, what + ": " + last + " (gave up after " + std::to_string(retries_ + 1) + " attempts)");
  }

  void backoff(unsigned attempt, long retry_after_s) const {
    if (attempt >= retries_) return;
    thread_local std::mt19937 rng(std::random_device{}());
    const unsigned base = retry_base_ms_ << std::min(attempt, 10u);
    const unsigned jitter = base ? std::uniform_int_distribution<unsigned>(0, base / 2)(rng) : 0;
    const auto wait = std::max<long>(retry_after_s * 1000, base + jitter);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }

  const std::optional<Credentials>& credentials() {
    std::lock_guard lock(auth_mu_);
    if (!creds_loaded_) creds_ = find_credentials(ref_.domain, auth_file_), creds_loaded_ = true;
    return creds_;
  }

  void authenticate(const std::string& header, const std::string& what) {
    const auto challenges = parse_challenges(header);
    const Challenge* bearer = nullptr;
    const Challenge* basic = nullptr;
    for (const Challenge& c : challenges) {
      if (c.scheme == "bearer" && !bearer) bearer = &c;
      if (c.scheme == "basic" && !basic) basic = &c;
    }
    const std::optional<Credentials> creds = credentials();
    if (bearer) {
      const auto realm = bearer->params.find("realm");
      if (realm == bearer->params.end()) fail(s_.text, what + ": Bearer challenge without a realm");
      if (!realm->second.starts_with("https://") && !(insecure_ && realm->second.starts_with("http://")))
        fail(s_.text, "refusing to request a token from " + origin_of(realm->second) + " (not HTTPS)");
      const auto service = bearer->params.find("service");
      const auto scope = bearer->params.find("scope");
      const std::string scope_v = scope != bearer->params.end() ? scope->second : "repository:" + ref_.path + ":pull";
      const std::string service_v = service != bearer->params.end() ? service->second : "";
      HttpRequest req;
      req.verify_tls = !insecure_;
      if (creds && !creds->identity_token.empty()) {  // OAuth2 refresh grant (plumbing.md §1.2 item 4)
        req.method = "POST";
        req.url = realm->second;
        req.headers.push_back("Content-Type: application/x-www-form-urlencoded");
        req.body = "grant_type=refresh_token&refresh_token=" + url_escape(creds->identity_token) +
                   "&service=" + url_escape(service_v) + "&scope=" + url_escape(scope_v) + "&client_id=coco";
      } else {
        req.url = realm->second + (realm->second.find('?') == std::string::npos ? "?" : "&") +
                  "service=" + url_escape(service_v) + "&scope=" + url_escape(scope_v);
        if (creds) {
          req.url += "&account=" + url_escape(creds->username);
          req.headers.push_back("Authorization: Basic " + to_base64(as_bytes(creds->username + ":" + creds->secret)));
        }
      }
      HttpResponse r;
      try {
        r = http_perform(req, nullptr, 1 << 20);
      } catch (const TransportError& e) {
        throw Error(Exit::Transient, s_.text, "token request to " + origin_of(realm->second) + ": " + e.message);
      }
      if (r.status == 429 || r.status >= 500)
        throw Error(Exit::Transient, s_.text, "token request to " + origin_of(realm->second) + ": HTTP " + std::to_string(r.status));
      if (r.status != 200)
        fail(s_.text, "token request to " + origin_of(realm->second) + " was refused (HTTP " + std::to_string(r.status) +
                          (creds ? "; check the credentials" : "; no credentials found for " + ref_.domain) + ")");
      std::string token;
      try {
        const Json j = parse_json(r.body, "registry response");
        token = j.contains("token") ? j["token"].get<std::string>() : j.at("access_token").get<std::string>();
      } catch (const std::exception&) {
        fail(s_.text, "token response from " + origin_of(realm->second) + " has no token");
      }
      std::lock_guard lock(auth_mu_);
      auth_header_ = "Authorization: Bearer " + token;
      return;
    }
    if (basic) {
      if (!creds || creds->username.empty())
        fail(s_.text, what + ": the registry requires credentials (Basic); none found for " + ref_.domain +
                          " (docker login, --authfile, $REGISTRY_AUTH_FILE)");
      std::lock_guard lock(auth_mu_);
      auth_header_ = "Authorization: Basic " + to_base64(as_bytes(creds->username + ":" + creds->secret));
      return;
    }
    fail(s_.text, what + ": HTTP 401 without a usable WWW-Authenticate challenge");
  }

  Source s_;
  Reference ref_;
  std::string auth_file_;
  unsigned retries_, retry_base_ms_;
  bool insecure_ = false;
  std::string base_;
  std::mutex auth_mu_;
  std::string auth_header_;
  bool creds_loaded_ = false;
  std::optional<Credentials> creds_;
};

}  // namespace

std::unique_ptr<ImageSource> open_registry(const Source& s, const ImageOptions& opts) {
  return std::make_unique<Registry>(s, opts);
}

}  // namespace coco::oci
