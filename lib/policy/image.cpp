// SPDX-License-Identifier: Apache-2.0
#include "policy/image.h"

#include <charconv>
#include <memory>
#include <mutex>
#include <sstream>

namespace coco::policy {

ImageResolver one_at_a_time(ImageResolver inner) {
  auto mu = std::make_shared<std::mutex>();
  return [inner = std::move(inner), mu](const std::string& ref, const std::string& where) {
    std::lock_guard<std::mutex> lock(*mu);
    return inner(ref, where);
  };
}

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool to_uint(const std::string& s, unsigned& v) {
  if (s.empty()) return false;
  return std::from_chars(s.data(), s.data() + s.size(), v).ec == std::errc() &&
         std::to_string(v) == s;
}

}  // namespace

// passwd(5): name:password:UID:GID:GECOS:directory:shell. Malformed lines are skipped, as libc's
// getpwent does; they can match no user.
std::vector<Passwd> parse_passwd(const std::string& text) {
  std::vector<Passwd> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto f = split(line, ':');
    Passwd p;
    if (f.size() < 4 || f[0].empty() || !to_uint(f[2], p.uid) || !to_uint(f[3], p.gid)) continue;
    p.name = f[0];
    out.push_back(p);
  }
  return out;
}

// group(5): name:password:GID:member,member
std::vector<Group> parse_group(const std::string& text) {
  std::vector<Group> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto f = split(line, ':');
    Group g;
    if (f.size() < 3 || f[0].empty() || !to_uint(f[2], g.gid)) continue;
    g.name = f[0];
    if (f.size() > 3 && !f[3].empty())
      for (auto& m : split(f[3], ',')) if (!m.empty()) g.members.push_back(m);
    out.push_back(g);
  }
  return out;
}

}  // namespace coco::policy
