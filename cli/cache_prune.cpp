// SPDX-License-Identifier: Apache-2.0
// coco cache prune: empties the cache (layers, and what evidence verify --fetch kept).
#include "commands.h"
#include "evidence/fetch.h"
#include "oci/cache.h"
#include "util/term.h"

namespace coco::cli {

void add_cache_prune(CLI::App& cache, Context& ctx) {
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = cache.add_subcommand("prune", "Remove every entry of the cache (layers, and evidence certificates and collateral)");
  cmd->add_option("--cache-dir", *dir, "cache directory (default: $XDG_CACHE_HOME/coco)");
  set_examples(cmd, {ctx.program + " cache prune"});
  set_quiet_output(cmd, "the number of entries removed");
  cmd->callback([dir, &ctx] {
    const oci::LayerCache cache(dir->empty() ? oci::default_cache_dir() : *dir);
    auto removed = cache.prune();
    // The certificates and collateral `evidence verify --fetch` keeps go too.
    const auto ev = evidence::fetch_cache_prune(evidence::fetch_cache_dir(cache.dir()));
    removed.entries += ev.entries;
    removed.bytes += ev.bytes;
    ctx.emit({{"dir", cache.dir()}, {"entries", removed.entries}, {"bytes", removed.bytes}}, [&](std::ostream& os) {
      os << "removed " << removed.entries << " entries (" << human_bytes(removed.bytes) << ") from " << cache.dir() << '\n';
    }, {std::to_string(removed.entries)});
  });
}

}  // namespace coco::cli
