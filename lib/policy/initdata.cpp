// SPDX-License-Identifier: Apache-2.0
#include "policy/initdata.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "util/error.h"

namespace coco::policy {
namespace {

// A TOML string for `s`: a multi-line literal string ('''…''') when it can hold the text as is
// (readable Rego in the annotation, as genpolicy's output has it), else a basic string with escapes.
std::string toml_string(std::string_view s) {
  bool literal_ok = s.find("'''") == std::string_view::npos && (s.empty() || s.back() != '\'');
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) literal_ok = false;
  if (literal_ok && s.find('\n') != std::string_view::npos) return "'''\n" + std::string(s) + "'''";
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

ByteVec fit(const ByteVec& d, std::size_t n) {
  ByteVec out(n, 0);
  std::copy_n(d.begin(), std::min(n, d.size()), out.begin());
  return out;
}

}  // namespace

std::string initdata_toml(Algo algo, const std::map<std::string, std::string>& data) {
  std::string out = "version = \"0.1.0\"\nalgorithm = \"" + algo_name(algo) + "\"\n\n[data]\n";
  for (const auto& [k, v] : data) out += toml_string(k) + " = " + toml_string(v) + "\n";  // std::map: sorted keys
  return out;
}

std::string gzip(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) throw Error(Exit::Failure, "zlib: deflateInit2 failed");
  gz_header h{};
  h.os = 255;  // "unknown": the same bytes on every build host
  deflateSetHeader(&z, &h);
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error(Exit::Failure, "zlib: deflate did not finish");
  return out;
}

std::string gunzip(Bytes data, const std::string& where, std::size_t max_size) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw Error(Exit::Failure, "zlib: inflateInit2 failed");
  std::string out;
  char buf[16384];
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string msg = z.msg ? z.msg : (rc == Z_BUF_ERROR ? "truncated gzip stream" : "invalid gzip stream");
      inflateEnd(&z);
      fail(where, "gzip: " + msg + " at byte " + std::to_string(z.total_in));
    }
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > max_size) {
      inflateEnd(&z);
      fail(where, "gzip: inflates to more than " + std::to_string(max_size) + " bytes");
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      fail(where, "gzip: truncated gzip stream");
    }
  }
  const bool trailing = z.avail_in != 0;
  inflateEnd(&z);
  if (trailing) fail(where, "gzip: trailing bytes after the stream");
  return out;
}

Binding bind(Algo algo, std::string_view bytes) {
  Binding b;
  b.algo = algo;
  b.digest = digest(algo, bytes);
  b.hostdata = fit(b.digest, 32);
  b.mrconfigid = fit(b.digest, 48);
  return b;
}

Algo initdata_algorithm(std::string_view toml, const std::string& where) {
  std::istringstream in{std::string(toml)};
  std::string version, algorithm;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] == '[') break;  // top-level keys come before any table
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto trim = [](std::string s) {
      const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t\r");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    const std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0])
      value = value.substr(1, value.size() - 2);
    if (key == "version") version = value;
    if (key == "algorithm") algorithm = value;
  }
  if (version != "0.1.0") fail(where, "initdata version '" + version + "' is not 0.1.0");
  if (algorithm != "sha256" && algorithm != "sha384" && algorithm != "sha512")
    fail(where, "initdata algorithm '" + algorithm + "' is not sha256, sha384 or sha512");
  return parse_algo(algorithm);
}

}  // namespace coco::policy
