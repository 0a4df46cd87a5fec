// SPDX-License-Identifier: Apache-2.0
#include "image_options.h"

#include "io.h"
#include "util/parallel.h"

namespace coco::cli {

void add_image_flags(CLI::App* cmd, Context& ctx, ImageFlags& f, bool hashing) {
  const std::string group = "Registry and image options";
  cmd->add_option("--platform", f.platform,
                  "os/arch[/variant] to read; a multi-platform index picks it, a single-platform image must be it "
                  "(default: the host's)")
      ->type_name("OS/ARCH")
      ->group(group);
  cmd->add_option("--authfile", f.opts.auth_file,
                  "registry credentials file (default: $REGISTRY_AUTH_FILE, then ~/.docker/config.json)")
      ->check(input_file())
      ->group(group);
  cmd->add_option("--insecure-registry", f.opts.insecure_registries,
                  "reach this registry (host[:port]) over plain HTTP or TLS without verification; repeatable")
      ->type_name("HOST")
      ->group(group);
  cmd->add_option("--cache-dir", f.opts.cache_dir, "layer cache directory (default: $XDG_CACHE_HOME/coco)")
      ->type_name("DIR")
      ->group(group);
  cmd->add_flag("--no-cache", f.opts.no_cache, "neither read nor write the layer cache")->group(group);
  cmd->add_option("-j,--jobs", f.opts.jobs, "threads: layers fetched and hashed at once, and in policy commands pods at once "
                  "(default: the cores this process may use)")
      ->check(CLI::Range(1u, kMaxJobs))
      ->group(group);
  cmd->add_option("--retries", f.opts.retries, "extra attempts on HTTP 429/5xx and dropped connections")
      ->check(CLI::Range(0, 20))
      ->capture_default_str()
      ->group(group);
  if (!hashing) return;
  add_choice(cmd, ctx, "--verity", f.verity, {"none", "tar", "tarfs", "tarfs-aks"},
             "dm-verity root per layer: tar (the uncompressed tar, veritysetup --no-superblock), tarfs (tar + "
             "Kata tarfs index, upstream genpolicy) or tarfs-aks (the AKS variant)")
      ->capture_default_str();
  cmd->add_option("--max-layer-size", f.opts.max_layer_size,
                  "refuse layers that decompress to more than this (a decompression bomb guard)")
      ->transform(CLI::AsSizeValue(false))
      ->default_str("64GiB");
}

oci::ImageOptions image_options(const ImageFlags& f, const Context& ctx) {
  oci::ImageOptions o = f.opts;
  if (!f.platform.empty()) o.platform = f.platform;
  o.verity = oci::parse_verity_flavour(f.verity);
  o.progress = ctx.progress();
  return o;
}

}  // namespace coco::cli
