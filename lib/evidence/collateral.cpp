// SPDX-License-Identifier: Apache-2.0
#include "evidence/collateral.h"

#include <filesystem>

#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::evidence {
namespace {

constexpr std::size_t kMaxCollateralFiles = 256;
constexpr std::uint64_t kMaxCollateralFileSize = 8 << 20;

std::size_t skip_ws(std::string_view t, std::size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) ++i;
  return i;
}

// The end (one past) of the JSON string starting at the quote at i.
std::size_t string_end(std::string_view t, std::size_t i, const std::string& where) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') {
      ++i;
    } else if (t[i] == '"') {
      return i + 1;
    }
  }
  fail(where, "unterminated JSON string");
}

// The end of the JSON value starting at i (objects and arrays by bracket depth; strings skipped).
std::size_t value_end(std::string_view t, std::size_t i, const std::string& where) {
  if (i >= t.size()) fail(where, "JSON value expected at the end of the text");
  if (t[i] == '"') return string_end(t, i, where);
  if (t[i] != '{' && t[i] != '[') {
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']') ++i;
    return i;
  }
  std::size_t depth = 0;
  for (; i < t.size(); ++i) {
    if (t[i] == '"') {
      i = string_end(t, i, where) - 1;
    } else if (t[i] == '{' || t[i] == '[') {
      if (++depth > kMaxJsonDepth) fail(where, "JSON nests deeper than " + std::to_string(kMaxJsonDepth));
    } else if (t[i] == '}' || t[i] == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  fail(where, "unterminated JSON value");
}

SignedJson signed_member(const std::string& text, const Json& doc, const std::string& key, const std::string& file) {
  SignedJson s;
  s.file = file;
  s.raw = raw_member(text, key, file);
  s.body = doc[key];
  if (!doc.contains("signature") || !doc["signature"].is_string()) fail(file, "no signature member beside " + key);
  s.signature = from_hex(doc["signature"].get<std::string>(), file + " .signature");
  if (s.signature.size() != 64) fail(file, ".signature is " + std::to_string(s.signature.size()) + " bytes, not 64 (r‖s)");
  return s;
}

}  // namespace

void add_collateral(Collateral& c, Bytes data, const std::string& path) {
  const std::string_view text = as_chars(data);
  const std::size_t first = skip_ws(text, 0);
  if (first < text.size() && text[first] == '{') {
    Json doc;
    try {
      doc = parse_json(text, path);
    } catch (const Error&) {
      return;  // not collateral
    }
    const std::string s(text);
    if (doc.contains("tcbInfo")) c.tcb_infos.push_back(signed_member(s, doc, "tcbInfo", path));
    if (doc.contains("enclaveIdentity")) c.qe_identities.push_back(signed_member(s, doc, "enclaveIdentity", path));
    return;
  }
  if (auto crl = load_crl(data)) {
    c.crls.push_back(*crl);
    c.crl_files.push_back(path);
    return;
  }
  try {
    for (auto& cert : load_certs(data, path)) c.certs.push_back(cert);
  } catch (const Error&) {
    // neither: a quote or an event log left in the same directory
  }
}

namespace {

void load_file(const std::string& path, Collateral& c) {
  add_collateral(c, read_binary_file(path, kMaxCollateralFileSize), path);
}

}  // namespace

std::string raw_member(std::string_view t, const std::string& key, const std::string& where) {
  std::size_t i = skip_ws(t, 0);
  if (i >= t.size() || t[i] != '{') fail(where, "not a JSON object");
  i = skip_ws(t, i + 1);
  while (i < t.size() && t[i] == '"') {
    const std::size_t kend = string_end(t, i, where);
    const std::string_view name = t.substr(i + 1, kend - i - 2);
    i = skip_ws(t, kend);
    if (i >= t.size() || t[i] != ':') fail(where, "':' expected after a member name");
    i = skip_ws(t, i + 1);
    const std::size_t vend = value_end(t, i, where);
    if (name == key) return std::string(t.substr(i, vend - i));
    i = skip_ws(t, vend);
    if (i < t.size() && t[i] == ',') i = skip_ws(t, i + 1);
  }
  fail(where, "no top-level member " + key);
}

std::time_t parse_utc(const std::string& text, const std::string& where) {
  std::tm tm{};
  int sec = 0;
  if (text.size() < 20 || std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                      &tm.tm_hour, &tm.tm_min, &sec) != 6 || text.back() != 'Z')
    fail(where, "\"" + text + "\" is not a UTC time YYYY-MM-DDTHH:MM:SSZ");
  tm.tm_sec = sec;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}

Collateral load_collateral(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  Collateral c;
  std::size_t files = 0;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> names;
      for (const auto& entry : fs::directory_iterator(p, ec))
        if (entry.is_regular_file()) names.push_back(entry.path().string());
      std::sort(names.begin(), names.end());
      for (const auto& n : names) {
        if (++files > kMaxCollateralFiles) fail(p, "more than " + std::to_string(kMaxCollateralFiles) + " files");
        load_file(n, c);
      }
    } else {
      ++files;
      load_file(p, c);
    }
  }
  return c;
}

}  // namespace coco::evidence
