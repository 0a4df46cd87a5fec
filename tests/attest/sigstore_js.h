// The independent bundle verifier of plumbing.md §4.2 / appendix B: npm @sigstore/verify 4 and
// @sigstore/bundle 5, installed once per build tree (under the build directory, never the
// repository) and run with node. When node, npm or the registry is unavailable the tests that
// need it say so with a WARN and skip that check.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "support/support.h"
#include "util/file.h"

namespace coco::test {

inline constexpr const char* kSigstoreVerifyScript = R"js('use strict';
// node verify.js BUNDLE PUBLIC_KEY_PEM: exits 0 and prints "verified", or throws.
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const [bundlePath, keyPath] = process.argv.slice(2);
const publicKey = crypto.createPublicKey(fs.readFileSync(keyPath));
// No CAs, logs or timestamp authorities: the only trust is the public key we were handed.
const root = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
const trust = toTrustMaterial(root, () => ({ publicKey, validFor: () => true }));
const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundle));
console.log('verified');
)js";

// The directory holding node_modules/@sigstore/verify and verify.js, or "" when unavailable.
inline std::string sigstore_js_dir() {
  static const std::string dir = [] {
    if (!have_program("node") || !have_program("npm") || !have_program("flock")) return std::string();
    const auto d = std::filesystem::path(COCO_BINARY).parent_path() / "npm-sigstore";
    std::filesystem::create_directories(d);
    const RunResult r = run_program(
        {"/bin/sh", "-c",
         "cd \"$1\" && flock .lock sh -c 'test -f node_modules/@sigstore/verify/package.json || "
         "timeout 300 npm install --prefix . --no-audit --no-fund --no-save --silent "
         "@sigstore/verify@4 @sigstore/bundle@5'",
         "sh", d.string()});
    if (r.exit_code != 0) return std::string();
    write_file_atomic((d / "verify.js").string(), kSigstoreVerifyScript);
    return d.string();
  }();
  return dir;
}

// Runs the verifier; "" when it is unavailable (after a WARN), else "verified" or the error text.
inline std::string sigstore_js_verify(const std::string& bundle, const std::string& public_key) {
  const std::string dir = sigstore_js_dir();
  if (dir.empty()) {
    WARN("@sigstore/verify unavailable (node/npm/registry); independent bundle check skipped");
    return "";
  }
  const RunResult r = run_program({"node", dir + "/verify.js", bundle, public_key});
  return r.exit_code == 0 ? "verified" : "failed: " + r.err;
}

}  // namespace coco::test
