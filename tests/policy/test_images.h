// SPDX-License-Identifier: Apache-2.0
// Image facts for the golden tests, from testdata/policy/images.json (hand-written: configs,
// /etc/passwd and /etc/group as the images would have them, digests made up but well-formed).
#pragma once

#include <map>
#include <string>

#include "policy/image.h"
#include "support/support.h"
#include "util/error.h"
#include "util/file.h"
#include "util/output.h"

namespace coco::test {

inline std::map<std::string, policy::ImageInfo> load_test_images() {
  const Json j = parse_json(read_text_file(source_path("testdata/policy/images.json")), "images.json");
  std::map<std::string, policy::ImageInfo> out;
  for (const auto& [ref, v] : j.items()) {
    policy::ImageInfo i;
    i.reference = ref;
    i.pinned = v["pinned"];
    i.user = v["user"];
    i.working_dir = v["working_dir"];
    i.env = v["env"].get<std::vector<std::string>>();
    i.entrypoint = v["entrypoint"].get<std::vector<std::string>>();
    i.cmd = v["cmd"].get<std::vector<std::string>>();
    i.volumes = v["volumes"].get<std::vector<std::string>>();
    if (v["etc_passwd"].is_string()) i.etc_passwd = v["etc_passwd"].get<std::string>();
    if (v["etc_group"].is_string()) i.etc_group = v["etc_group"].get<std::string>();
    if (v.contains("diff_ids")) {  // layers, for the aks profile's tarfs bindings
      i.diff_ids = v["diff_ids"].get<std::vector<std::string>>();
      for (const auto& r : v["tarfs_verity_roots"]) i.verity_roots.push_back(r.get<std::string>());
    }
    out[ref] = i;
  }
  return out;
}

// Resolves a reference as written, or an already pinned one (a re-run on coco's own output).
inline policy::ImageResolver test_resolver() {
  auto images = std::make_shared<std::map<std::string, policy::ImageInfo>>(load_test_images());
  return [images](const std::string& ref, const std::string& where) {
    if (auto it = images->find(ref); it != images->end()) return it->second;
    for (const auto& [k, v] : *images)
      if (v.pinned == ref) return v;
    fail(where, "image " + ref + ": not found");
  };
}

}  // namespace coco::test
