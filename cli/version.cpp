// SPDX-License-Identifier: Apache-2.0
// coco version: the version, the commit it was built from and the libraries it links.
#include <archive.h>
#include <curl/curl.h>
#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "coco_build_info.h"
#include <iostream>

#include "commands.h"

namespace coco::cli {

void add_help(CLI::App& app, Context& ctx) {
  auto words = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("help", "Help about any command: coco help [COMMAND...]");
  cmd->add_option("command", *words, "the command whose help to print");
  set_examples(cmd, {ctx.program + " help", ctx.program + " help measure snp"});
  // main.cpp turns `help WORDS…` into `WORDS… --help` before parsing; this runs only without it.
  cmd->callback([&app] { std::cout << app.help(); });
}

void add_version(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("version", "Print coco's version and the libraries it uses");
  set_examples(cmd, {ctx.program + " version", ctx.program + " version --output json"});
  set_quiet_output(cmd, "the version");
  cmd->callback([&ctx] {
    const Json libraries = {
        {"openssl", OpenSSL_version(OPENSSL_VERSION_STRING)},
        {"libcurl", curl_version_info(CURLVERSION_NOW)->version},
        {"libarchive", std::string(archive_version_string()).substr(sizeof "libarchive")},  // drop "libarchive "
        {"yaml-cpp", COCO_YAML_CPP_VERSION},
        {"nlohmann_json", std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
                              std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
                              std::to_string(NLOHMANN_JSON_VERSION_PATCH)},
        {"cli11", CLI11_VERSION},
    };
    const Json v = {{"version", COCO_VERSION}, {"commit", COCO_GIT_COMMIT}, {"libraries", libraries}};
    ctx.emit(v, [&](std::ostream& os) {
      os << "coco " << COCO_VERSION << " (commit " << COCO_GIT_COMMIT << ")\n";
      for (const auto& [name, version] : libraries.items()) os << "  " << name << " " << version.get<std::string>() << '\n';
    }, {COCO_VERSION});
  });
}

}  // namespace coco::cli
