// SPDX-License-Identifier: Apache-2.0
// The command tree, registered in one place (commands.cpp). Each command lives in its own file
// and exposes one add_* function that wires its flags to one library call.
#pragma once

#include "context.h"

namespace coco::cli {

void add_commands(CLI::App& app, Context& ctx);

// The group subcommand ("measure", "image", …), created with its description on first use.
CLI::App& group(CLI::App& app, const std::string& name);

void add_help(CLI::App& app, Context& ctx);  // help [COMMAND…], rewritten to COMMAND… --help before parsing
void add_version(CLI::App& app, Context& ctx);
void add_completion(CLI::App& app, Context& ctx);
void add_hidden_man(CLI::App& app, Context& ctx);       // __man, writes man/*.1
void add_measure_snp(CLI::App& measure, Context& ctx);  // measure snp
void add_snp_id_block(CLI::App& snp, Context& ctx);     // snp id-block
void add_measure_tdx(CLI::App& measure, Context& ctx);
void add_tdx_authenticode(CLI::App& tdx, Context& ctx);
void add_tdx_replay(CLI::App& tdx, Context& ctx);
void add_image_inspect(CLI::App& image, Context& ctx);  // image inspect
void add_image_hash(CLI::App& image, Context& ctx);     // image hash
void add_cache_dir(CLI::App& cache, Context& ctx);      // cache dir
void add_cache_prune(CLI::App& cache, Context& ctx);    // cache prune
void add_policy_generate(CLI::App& app, Context& ctx);
void add_policy_digest(CLI::App& app, Context& ctx);
void add_policy_settings(CLI::App& app, Context& ctx);
void add_policy_test(CLI::App& app, Context& ctx);
void add_policy_explain(CLI::App& app, Context& ctx);
void add_key_generate(CLI::App& key, Context& ctx);
void add_sign(CLI::App& app, Context& ctx);
void add_verify(CLI::App& app, Context& ctx);
void add_refvals(CLI::App& app, Context& ctx);
void add_evidence_show(CLI::App& evidence, Context& ctx);    // evidence show
void add_evidence_verify(CLI::App& evidence, Context& ctx);  // evidence verify
void add_evidence_check(CLI::App& evidence, Context& ctx);   // evidence check

// Lookups in the command tree shared by completion and argument preparation (argv.cpp).
const CLI::Option* find_option(const CLI::App* cmd, const std::string& word);  // "--name" or "-n", here or above
const CLI::App* find_subcommand(const CLI::App* cmd, const std::string& word);
bool takes_value(const CLI::Option* o);

// The words with each "--name=" of a value-taking option split into "--name" and "", so that an
// empty value stays empty (CLI11 would take the next word instead).
std::vector<std::string> explicit_empty_values(const CLI::App& app, const std::vector<std::string>& args);

// Shell completion (`coco __complete WORDS… PARTIAL`, handled before parsing so that no word is
// taken for a flag): cobra-style candidates for the words of a partial command line.
std::string complete_words(const CLI::App& app, const Context& ctx, const std::vector<std::string>& words);

}  // namespace coco::cli
