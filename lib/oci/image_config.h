// SPDX-License-Identifier: Apache-2.0
// The image configuration (OCI image-spec config.md): the fields a pod policy needs, and the
// diff_ids to check computed layer hashes against.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/output.h"

namespace coco::oci {

struct ImageConfig {
  std::string user, working_dir;
  std::vector<std::string> env, entrypoint, cmd;
  std::vector<std::string> volumes, exposed_ports;  // the keys of the config's objects, sorted
  std::map<std::string, std::string> labels;
};

struct ConfigBlob {
  ImageConfig config;
  std::string os, architecture, variant;
  std::vector<std::string> diff_ids;  // rootfs.diff_ids
};

ConfigBlob parse_config(std::string_view body, const std::string& where);
Json to_json(const ImageConfig& c);

// Chain IDs (OCI image-spec config.md "Layer ChainID"): chain0 = diff_id0,
// chainN = "sha256:" + hex(sha256(chainN-1 + " " + diff_idN)).
std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids);

}  // namespace coco::oci
