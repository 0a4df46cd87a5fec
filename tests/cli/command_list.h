// SPDX-License-Identifier: Apache-2.0
// Every command of coco's tree, as words, for the tests that try each one the same way.
#pragma once

#include <string>
#include <vector>

namespace coco::test {

inline const std::vector<std::vector<std::string>> kAllCommands = {
    {"version"}, {"completion", "bash"}, {"measure", "snp"}, {"measure", "tdx"}, {"snp", "id-block"},
    {"tdx", "authenticode"}, {"tdx", "replay"}, {"image", "inspect"}, {"image", "hash"}, {"cache", "dir"},
    {"cache", "prune"}, {"policy", "generate"}, {"policy", "digest"}, {"policy", "settings"}, {"policy", "test"},
    {"policy", "explain"}, {"key", "generate"}, {"sign"}, {"verify"}, {"refvals"}, {"evidence", "show"}, {"evidence", "verify"},
    {"evidence", "check"}};

// `a` followed by `b`.
inline std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace coco::test
