// SPDX-License-Identifier: Apache-2.0
#include "policy/pod_policy.h"

#include "policy/initdata.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::policy {

std::string initdata_entry(std::string_view toml, const std::string& key, const std::string& where) {
  const Initdata doc = parse_initdata_toml(toml, where);
  const auto it = doc.data.find(key);
  if (it == doc.data.end()) fail(where, "initdata: no \"" + key + "\" in its [data] table");
  return it->second;
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
