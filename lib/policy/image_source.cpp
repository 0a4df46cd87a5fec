// SPDX-License-Identifier: Apache-2.0
#include "policy/image_source.h"

#include <memory>

#include "oci/reference.h"
#include "util/error.h"

namespace coco::policy {

std::pair<std::string, std::string> parse_image_source(const std::string& arg) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
    usage_error("--image-source: expected REF=SOURCE (e.g. registry.example/app:1=oci:./layout:1), got '" + arg + "'");
  return {arg.substr(0, eq), arg.substr(eq + 1)};
}

ImageInfo to_image_info(const oci::ImageFacts& f, const std::string& reference, const std::string& where) {
  const oci::Reference ref = oci::parse_reference(reference);
  const std::string digest = f.index_digest ? *f.index_digest : f.manifest_digest;
  if (digest.empty())
    fail(where, "image " + reference + ": the source has no manifest digest (a legacy docker save archive), so a "
                "guest pull cannot be pinned; use a registry, an OCI layout or an oci-archive");
  ImageInfo i;
  i.reference = reference;
  i.pinned = ref.pinned(digest);
  i.user = f.config.user;
  i.working_dir = f.config.working_dir;
  i.env = f.config.env;
  i.entrypoint = f.config.entrypoint;
  i.cmd = f.config.cmd;
  i.volumes = f.config.volumes;
  i.etc_passwd = f.etc_passwd;
  i.etc_group = f.etc_group;
  for (const auto& l : f.layers) {
    i.layer_digests.push_back(l.digest);
    i.diff_ids.push_back(l.diff_id);
    i.verity_roots.push_back(l.tarfs_verity_root);
  }
  return i;
}

std::optional<std::string> image_source_for(const std::map<std::string, std::string>& sources, const std::string& image) {
  if (auto it = sources.find(image); it != sources.end()) return it->second;
  std::optional<std::string> source;
  try {
    const oci::Reference ref = oci::parse_reference(image);
    if (!ref.digest.empty())  // already pinned: find the source by repository
      for (const auto& [k, v] : sources)
        if (oci::parse_reference(k).name() == ref.name()) source = v;
  } catch (const Error&) {
    return std::nullopt;  // the resolver reports it
  }
  return source;
}

ImageResolver make_resolver(std::map<std::string, std::string> sources, oci::ImageOptions opts) {
  auto cache = std::make_shared<std::map<std::string, oci::ImageFacts>>();
  return [sources = std::move(sources), opts = std::move(opts), cache](const std::string& image,
                                                                       const std::string& where) {
    const oci::Reference ref = oci::parse_reference(image);
    const std::string source = image_source_for(sources, image).value_or(image);
    auto hit = cache->find(source);
    if (hit == cache->end()) {
      try {
        hit = cache->emplace(source, oci::image_facts(source, opts)).first;
        oci::require_platform(opts, hit->second);
      } catch (const Error& e) {  // say which container (or the pause image) needed it
        throw Error(e.kind(), where, "image " + image + ": " + e.what());
      }
    }
    ImageInfo info = to_image_info(hit->second, image, where);
    if (!ref.digest.empty() && info.pinned != ref.name() + "@" + ref.digest)
      fail(where, "image " + image + ": its source " + source + " resolves to " + info.pinned +
                      ", not the pinned digest");
    return info;
  };
}

}  // namespace coco::policy
