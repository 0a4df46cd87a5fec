// SPDX-License-Identifier: Apache-2.0
#include "oci/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "util/encoding.h"
#include "util/error.h"

namespace coco::oci {

std::string HttpResponse::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Handle {
  CURL* curl = nullptr;
  Handle() {
    global_init();
    curl = curl_easy_init();
  }
  ~Handle() { curl_easy_cleanup(curl); }
};

struct Transfer {
  HttpResponse* resp;
  const std::function<void(Bytes)>* sink;
  std::uint64_t max_body;
  std::uint64_t delivered = 0;
  bool too_big = false;
  std::exception_ptr error;  // thrown by the sink; rethrown after curl returns
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new status line (after 100-continue): reset
    t->resp->headers.clear();
    return size * n;
  }
  const auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  const std::string name = ascii_lower(line.substr(0, colon));
  std::string value = line.substr(colon + 1);
  const auto b = value.find_first_not_of(" \t");
  const auto e = value.find_last_not_of(" \t\r\n");
  t->resp->headers[name] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->sink && *t->sink && t->resp->status / 100 == 2) {
    try {
      (*t->sink)(Bytes(reinterpret_cast<const std::uint8_t*>(data), len));
    } catch (...) {
      t->error = std::current_exception();
      return 0;  // aborts the transfer
    }
    t->delivered += len;
    return len;
  }
  if (t->resp->body.size() + len > t->max_body) {
    t->too_big = true;
    return 0;
  }
  t->resp->body.append(data, len);
  return len;
}

}  // namespace

std::string url_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

HttpResponse http_perform(const HttpRequest& req, const std::function<void(Bytes)>& sink, std::uint64_t max_body) {
  thread_local Handle handle;
  CURL* c = handle.curl;
  if (!c) throw TransportError{"cannot initialise libcurl"};
  curl_easy_reset(c);
  HttpResponse resp;
  Transfer t{&resp, &sink, max_body, 0, false, nullptr};
  curl_slist* headers = nullptr;
  for (const std::string& h : req.headers) headers = curl_slist_append(headers, h.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> free_headers(headers, curl_slist_free_all);
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, req.verify_tls ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, req.verify_tls ? 2L : 0L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, req.timeout_connect_s);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, req.low_speed_time_s);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (req.timeout_total_s > 0) curl_easy_setopt(c, CURLOPT_TIMEOUT, req.timeout_total_s);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "coco/" COCO_VERSION);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  if (req.method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (req.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
  }
  // The status is known before the first body byte: record it as soon as headers end.
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, +[](char* data, size_t size, size_t n, void* user) -> size_t {
    auto* t = static_cast<Transfer*>(user);
    const size_t r = on_header(data, size, n, user);
    std::string line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
      const auto sp = line.find(' ');
      t->resp->status = sp == std::string::npos ? 0 : std::atol(line.c_str() + sp + 1);
    }
    return r;
  });
  const CURLcode rc = curl_easy_perform(c);
  if (t.error) std::rethrow_exception(t.error);
  if (rc != CURLE_OK) {
    if (t.too_big) throw TransportError{"response body exceeds " + std::to_string(max_body) + " bytes", t.delivered};
    const bool tls = rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
                     rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CACERT_BADFILE;
    const bool permanent = rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL ||
                           rc == CURLE_NOT_BUILT_IN || rc == CURLE_BAD_FUNCTION_ARGUMENT;
    throw TransportError{curl_easy_strerror(rc), t.delivered, tls, permanent};
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  resp.status = status;
  return resp;
}

}  // namespace coco::oci
