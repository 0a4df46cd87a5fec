// SPDX-License-Identifier: Apache-2.0
#include "oci/image_config.h"

#include <algorithm>

#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::oci {
namespace {

std::vector<std::string> string_list(const Json& obj, const char* key, const std::string& where) {
  std::vector<std::string> out;
  if (!obj.contains(key) || obj[key].is_null()) return out;
  const Json& v = obj[key];
  if (!v.is_array()) fail(where, std::string("config.") + key + " is not an array");
  for (const Json& s : v) {
    if (!s.is_string()) fail(where, std::string("config.") + key + " has a non-string element");
    out.push_back(s.get<std::string>());
  }
  return out;
}

std::vector<std::string> object_keys(const Json& obj, const char* key, const std::string& where) {
  std::vector<std::string> out;
  if (!obj.contains(key) || obj[key].is_null()) return out;
  if (!obj[key].is_object()) fail(where, std::string("config.") + key + " is not an object");
  for (const auto& [k, v] : obj[key].items()) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

std::string string_field(const Json& obj, const char* key, const std::string& where, const char* prefix) {
  if (!obj.contains(key) || obj[key].is_null()) return {};
  if (!obj[key].is_string()) fail(where, std::string(prefix) + key + " is not a string");
  return obj[key].get<std::string>();
}

}  // namespace

ConfigBlob parse_config(std::string_view body, const std::string& where) {
  const Json j = parse_json(body, where);
  if (!j.is_object()) fail(where, "image config is not a JSON object");
  ConfigBlob b;
  b.os = string_field(j, "os", where, "");
  b.architecture = string_field(j, "architecture", where, "");
  b.variant = string_field(j, "variant", where, "");
  if (j.contains("config") && !j["config"].is_null()) {
    const Json& c = j["config"];
    if (!c.is_object()) fail(where, "config is not an object");
    b.config.user = string_field(c, "User", where, "config.");
    b.config.working_dir = string_field(c, "WorkingDir", where, "config.");
    b.config.env = string_list(c, "Env", where);
    b.config.entrypoint = string_list(c, "Entrypoint", where);
    b.config.cmd = string_list(c, "Cmd", where);
    b.config.volumes = object_keys(c, "Volumes", where);
    b.config.exposed_ports = object_keys(c, "ExposedPorts", where);
    if (c.contains("Labels") && !c["Labels"].is_null()) {
      if (!c["Labels"].is_object()) fail(where, "config.Labels is not an object");
      for (const auto& [k, v] : c["Labels"].items()) {
        if (!v.is_string()) fail(where, "config.Labels." + k + " is not a string");
        b.config.labels[k] = v.get<std::string>();
      }
    }
  }
  if (!j.contains("rootfs") || !j["rootfs"].is_object()) fail(where, "image config has no rootfs object");
  b.diff_ids = string_list(j["rootfs"], "diff_ids", where);
  return b;
}

Json to_json(const ImageConfig& c) {
  Json labels = Json::object();
  for (const auto& [k, v] : c.labels) labels[k] = v;
  return {{"user", c.user},           {"working_dir", c.working_dir}, {"env", c.env},
          {"entrypoint", c.entrypoint}, {"cmd", c.cmd},               {"volumes", c.volumes},
          {"exposed_ports", c.exposed_ports}, {"labels", labels}};
}

std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids) {
  std::vector<std::string> out;
  for (const std::string& d : diff_ids)
    out.push_back(out.empty() ? d : "sha256:" + to_hex(digest(Algo::Sha256, out.back() + " " + d)));
  return out;
}

}  // namespace coco::oci
