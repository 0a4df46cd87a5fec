// SPDX-License-Identifier: Apache-2.0
// What the generator needs to know about an image (policy.md §3.4): the digest a guest pull must
// resolve to, the config fields that shape the process, /etc/passwd and /etc/group of the merged
// filesystem, and per-layer dm-verity roots for the AKS profile. Filled from oci::ImageFacts by
// the caller (image_facts.cpp), or by hand in tests.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace coco::policy {

struct ImageInfo {
  std::string reference;  // as written in the manifest
  std::string pinned;     // repo@sha256:… that the policy allows
  std::string user, working_dir;
  std::vector<std::string> env, entrypoint, cmd, volumes;
  bool tty = false;
  std::optional<std::string> etc_passwd, etc_group;
  std::vector<std::string> layer_digests;            // bottom to top
  std::vector<std::string> diff_ids;                 // bottom to top
  std::vector<std::optional<std::string>> verity_roots;  // tarfs dm-verity root per layer, bottom to top
};

// Resolves an image as written in a manifest; `where` names the container for messages.
using ImageResolver = std::function<ImageInfo(const std::string& image, const std::string& where)>;

// `inner` asked by one thread at a time (a memo, a registry client), for the workers of one run.
ImageResolver one_at_a_time(ImageResolver inner);

// Identity of the process (policy.md §1.4 step 7-8, §3.4).
struct Passwd {
  std::string name;
  unsigned uid = 0, gid = 0;
};
std::vector<Passwd> parse_passwd(const std::string& text);
struct Group {
  std::string name;
  unsigned gid = 0;
  std::vector<std::string> members;
};
std::vector<Group> parse_group(const std::string& text);

}  // namespace coco::policy
