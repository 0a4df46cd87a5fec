// SPDX-License-Identifier: Apache-2.0
#include "k8s/kubeconfig.h"

#include <vector>

#include "k8s/manifest.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::k8s {
namespace {

std::vector<std::string> kubeconfig_files(const std::string& env, const std::string& home) {
  std::vector<std::string> out;
  if (!env.empty()) {
    std::size_t start = 0;
    for (std::size_t colon; (colon = env.find(':', start)) != std::string::npos; start = colon + 1)
      if (colon > start) out.push_back(env.substr(start, colon - start));
    if (start < env.size()) out.push_back(env.substr(start));
    return out;
  }
  if (!home.empty()) out.push_back(home + "/.kube/config");
  return out;
}

Json config_of(const std::string& path) {
  const auto docs = load_documents(read_text_file(path, 16 << 20), path);
  if (docs.empty() || docs.front().value.is_null()) return Json::object();
  if (!docs.front().value.is_object()) fail(path, "a kubeconfig must be a mapping");
  return docs.front().value;
}

}  // namespace

std::string kubectl_namespace(const std::string& kubeconfig_env, const std::string& home) {
  std::vector<Json> configs;
  for (const auto& f : kubeconfig_files(kubeconfig_env, home))
    if (file_exists(f)) configs.push_back(config_of(f));
  std::string current;
  for (const auto& c : configs)
    if (current.empty() && c.contains("current-context") && c["current-context"].is_string())
      current = c["current-context"].get<std::string>();
  if (current.empty()) return "default";
  for (const auto& c : configs) {
    if (!c.contains("contexts") || !c["contexts"].is_array()) continue;
    for (const auto& ctx : c["contexts"]) {
      if (!ctx.is_object() || !ctx.contains("name") || ctx["name"] != current) continue;
      const Json body = ctx.value("context", Json::object());
      if (body.is_object() && body.contains("namespace") && body["namespace"].is_string() &&
          !body["namespace"].get<std::string>().empty())
        return body["namespace"].get<std::string>();
      return "default";
    }
  }
  return "default";
}

}  // namespace coco::k8s
