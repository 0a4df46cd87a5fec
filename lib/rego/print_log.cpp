// SPDX-License-Identifier: Apache-2.0
#include "rego/print_log.h"

#include <charconv>
#include <unordered_map>

namespace coco::rego {

void PrintLog::begin(const Loc& where) {
  pending_.push_back({where.file, where.line, static_cast<std::uint32_t>(args_.size()), 0});
}

void PrintLog::arg(const std::optional<Value>& v) {
  args_.push_back(v);
  ++pending_.back().count;
}

void PrintLog::settle() {
  if (pending_.empty()) return;
  static const std::string kUndefined = "<undefined>", kQuery = "<query>";
  // The text of each composite value once: policies print the same request objects many times.
  std::unordered_map<const void*, std::string> text_of;
  std::vector<std::string> small;  // text of scalars and empty collections for the current line
  std::vector<const std::string*> parts;
  lines_.reserve(lines_.size() + pending_.size());
  for (const Line& l : pending_) {
    small.clear();
    small.reserve(l.count);
    parts.clear();
    for (std::uint32_t i = l.first; i < l.first + l.count; ++i) {
      const std::optional<Value>& v = args_[i];
      if (!v) {
        parts.push_back(&kUndefined);
      } else if (v->is_string()) {
        parts.push_back(&v->as_string());
      } else if (v->size() >= 1) {
        auto it = text_of.find(v->identity());
        if (it == text_of.end()) it = text_of.emplace(v->identity(), v->to_rego_text()).first;
        parts.push_back(&it->second);
      } else {
        small.push_back(v->to_rego_text());
        parts.push_back(&small.back());
      }
    }
    const std::string& file = l.file ? *l.file : kQuery;
    char line_no[16];
    auto len = static_cast<std::size_t>(std::to_chars(line_no, line_no + sizeof line_no, l.line).ptr - line_no);
    std::size_t size = file.size() + len + 3 + parts.size();
    for (const std::string* p : parts) size += p->size();
    std::string line;
    line.reserve(size);
    line += file;
    line += ':';
    line.append(line_no, len);
    line += ": ";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i) line += ' ';
      line += *parts[i];
    }
    lines_.push_back(std::move(line));
  }
  pending_.clear();
  args_.clear();
}

std::vector<std::string> PrintLog::take() {
  settle();
  std::vector<std::string> out;
  out.swap(lines_);
  return out;
}

void PrintLog::clear() {
  pending_.clear();
  args_.clear();
  lines_.clear();
}

}  // namespace coco::rego
