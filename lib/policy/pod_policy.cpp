// SPDX-License-Identifier: Apache-2.0
#include "policy/pod_policy.h"

#include "policy/initdata.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/utf8.h"

namespace coco::policy {
namespace {

void append_utf8(std::string& out, unsigned long cp, const std::string& where) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) fail(where, "invalid unicode escape in a TOML string");
  coco::append_utf8(out, static_cast<char32_t>(cp));
}

// A basic string body from `i` (after the opening quotes) to `close`, with escapes.
std::string basic_string(std::string_view s, std::size_t& i, std::string_view close, bool multiline, const std::string& where) {
  std::string out;
  while (true) {
    if (i >= s.size()) fail(where, "unterminated TOML string");
    if (s.compare(i, close.size(), close) == 0) {
      i += close.size();
      return out;
    }
    const char c = s[i++];
    if (c == '\n' && !multiline) fail(where, "newline in a TOML basic string");
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i >= s.size()) fail(where, "unterminated TOML string");
    const char e = s[i++];
    switch (e) {
      case 'b': out += '\b'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'f': out += '\f'; break;
      case 'r': out += '\r'; break;
      case 'e': out += '\x1b'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'u':
      case 'U': {
        const std::size_t n = e == 'u' ? 4 : 8;
        if (i + n > s.size()) fail(where, "short unicode escape in a TOML string");
        unsigned long cp = 0;
        for (std::size_t k = 0; k < n; ++k) {
          const char h = s[i + k];
          if (!std::isxdigit(static_cast<unsigned char>(h))) fail(where, "bad unicode escape in a TOML string");
          cp = cp * 16 + static_cast<unsigned long>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
        }
        i += n;
        append_utf8(out, cp, where);
        break;
      }
      default:
        if (multiline && (e == '\n' || e == ' ' || e == '\t' || e == '\r')) {  // line-ending backslash
          --i;
          while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
          break;
        }
        fail(where, std::string("unknown escape \\") + e + " in a TOML string");
    }
  }
}

}  // namespace

std::string initdata_entry(std::string_view toml, const std::string& key, const std::string& where) {
  bool in_data = false;
  for (std::size_t pos = 0; pos < toml.size();) {
    std::size_t end = toml.find('\n', pos);
    if (end == std::string_view::npos) end = toml.size();
    std::string_view line = toml.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.rfind("[", 0) == 0) {
      in_data = line.rfind("[data]", 0) == 0;
      continue;
    }
    if (!in_data) continue;
    std::size_t k = 0;
    std::string name;
    if (line.rfind("\"", 0) == 0 || line.rfind("'", 0) == 0) {
      const std::size_t q = line.find(line[0], 1);
      if (q == std::string_view::npos) continue;
      name = std::string(line.substr(1, q - 1));
      k = q + 1;
    } else {
      while (k < line.size() && line[k] != ' ' && line[k] != '=') ++k;
      name = std::string(line.substr(0, k));
    }
    if (name != key) continue;
    std::size_t i = static_cast<std::size_t>(line.data() - toml.data()) + k;  // absolute index after the key
    while (i < toml.size() && (toml[i] == ' ' || toml[i] == '\t')) ++i;
    if (i >= toml.size() || toml[i] != '=') fail(where, "initdata: " + key + ": expected '='");
    ++i;
    while (i < toml.size() && (toml[i] == ' ' || toml[i] == '\t')) ++i;
    if (toml.compare(i, 3, "'''") == 0) {
      i += 3;
      if (i < toml.size() && toml[i] == '\n') ++i;
      else if (toml.compare(i, 2, "\r\n") == 0) i += 2;
      const std::size_t close = toml.find("'''", i);
      if (close == std::string_view::npos) fail(where, "initdata: " + key + ": unterminated ''' string");
      std::size_t stop = close;
      while (stop + 3 < toml.size() && toml[stop + 3] == '\'' && stop - close < 2) ++stop;  // ''''' ends with quotes
      return std::string(toml.substr(i, stop - i));
    }
    if (toml.compare(i, 3, "\"\"\"") == 0) {
      i += 3;
      if (i < toml.size() && toml[i] == '\n') ++i;
      return basic_string(toml, i, "\"\"\"", true, where + ": initdata " + key);
    }
    if (i < toml.size() && toml[i] == '"') {
      ++i;
      return basic_string(toml, i, "\"", false, where + ": initdata " + key);
    }
    if (i < toml.size() && toml[i] == '\'') {
      const std::size_t close = toml.find('\'', i + 1);
      if (close == std::string_view::npos) fail(where, "initdata: " + key + ": unterminated ' string");
      return std::string(toml.substr(i + 1, close - i - 1));
    }
    fail(where, "initdata: " + key + ": expected a string");
  }
  fail(where, "initdata: no \"" + key + "\" in its [data] table");
}

std::string pod_policy_text(const Json& metadata, const std::string& where) {
  const Json a = metadata.is_object() ? metadata.value("annotations", Json::object()) : Json::object();
  if (a.contains(kInitdataAnnotation) && a[kInitdataAnnotation].is_string()) {
    const std::string w = where + ": annotation " + kInitdataAnnotation;
    const ByteVec gz = from_base64(a[kInitdataAnnotation].get<std::string>(), w);
    return initdata_entry(gunzip(gz, w), "policy.rego", w);
  }
  if (a.contains(kPolicyAnnotation) && a[kPolicyAnnotation].is_string()) {
    const ByteVec rego = from_base64(a[kPolicyAnnotation].get<std::string>(), where + ": annotation " + kPolicyAnnotation);
    return std::string(rego.begin(), rego.end());
  }
  fail(where, std::string("no ") + kInitdataAnnotation + " or " + kPolicyAnnotation +
                  " annotation (run coco policy generate first, or pass the policy with --policy)");
}

}  // namespace coco::policy
