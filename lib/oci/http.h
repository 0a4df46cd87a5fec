// SPDX-License-Identifier: Apache-2.0
// A small HTTP client over libcurl for the registry API (plumbing.md §1.5): one reused easy handle
// per thread (connections and TLS sessions are kept), HTTP/2 over TLS, TLS verification unless a
// registry is named insecure, no automatic redirects (the registry client follows them itself so
// that credentials never reach another origin), bodies streamed to a sink.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "util/bytes.h"

namespace coco::oci {

struct HttpRequest {
  std::string method = "GET";        // GET, HEAD or POST
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // POST form body
  bool verify_tls = true;
  long timeout_connect_s = 15;
  long low_speed_time_s = 60;        // abort when below 1 byte/s for this long (a stalled peer)
  long timeout_total_s = 0;          // the whole request, connection included; 0 = no limit
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; the last value wins
  std::string body;                            // when no sink was given (bounded)
  std::string header(const std::string& lower_name) const;
};

// A transport failure (no HTTP status): connection refused or reset, TLS, timeout, a body cut
// short. `bytes` of body had reached the sink before it happened.
struct TransportError {
  std::string message;
  std::uint64_t bytes = 0;
  bool tls = false;  // the TLS handshake failed (e.g. a plain-HTTP server)
  bool permanent = false;  // a retry cannot help: malformed URL, unsupported protocol
};

// Performs one request. When `sink` is set, a 2xx body goes to it in pieces; other bodies are kept
// in the response (up to max_body bytes) for error messages. Throws TransportError.
HttpResponse http_perform(const HttpRequest& req, const std::function<void(Bytes)>& sink = nullptr,
                          std::uint64_t max_body = 16 << 20);

std::string url_escape(const std::string& s);

}  // namespace coco::oci
