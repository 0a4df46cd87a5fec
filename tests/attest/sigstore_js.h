// SPDX-License-Identifier: Apache-2.0
// The independent bundle verifier of plumbing.md §4.2 / appendix B: npm @sigstore/verify 4 and
// @sigstore/bundle 5, with @sigstore/sign 5 (an independent maker of messageSignature bundles)
// and tweetnacl 1 (an independent NaCl secretbox, to open cosign keys), installed once per build tree (under the build directory, never the
// repository) and run with node. When node, npm or the registry is unavailable the tests that
// need it say so with a WARN and skip that check.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/support.h"
#include "util/file.h"

namespace coco::test {

inline constexpr const char* kSigstoreVerifyScript = R"js('use strict';
// node verify.js BUNDLE PUBLIC_KEY_PEM [ARTIFACT]: exits 0 and prints "verified", or throws. A
// messageSignature bundle needs the ARTIFACT it signs.
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const [bundlePath, keyPath, artifactPath] = process.argv.slice(2);
const publicKey = crypto.createPublicKey(fs.readFileSync(keyPath));
// No CAs, logs or timestamp authorities: the only trust is the public key we were handed.
const root = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
const trust = toTrustMaterial(root, () => ({ publicKey, validFor: () => true }));
const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(
  toSignedEntity(bundle, artifactPath ? fs.readFileSync(artifactPath) : undefined));
console.log('verified');
)js";

inline constexpr const char* kSigstoreSignMessageScript = R"js('use strict';
// node sign-message.js PRIVATE_KEY_PEM ARTIFACT: prints a messageSignature bundle made by @sigstore/sign.
const fs = require('fs');
const crypto = require('crypto');
const { MessageSignatureBundleBuilder } = require('@sigstore/sign');
const { bundleToJSON } = require('@sigstore/bundle');
const [keyPath, artifactPath] = process.argv.slice(2);
const key = crypto.createPrivateKey(fs.readFileSync(keyPath));
const pub = crypto.createPublicKey(key);
const hint = crypto.createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
const signer = {
  sign: async (data) => ({
    signature: crypto.sign(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', data, key),
    key: { $case: 'publicKey', publicKey: pub.export({ type: 'spki', format: 'pem' }), hint },
  }),
};
new MessageSignatureBundleBuilder({ signer, witnesses: [] })
  .create({ data: fs.readFileSync(artifactPath) })
  .then((b) => console.log(JSON.stringify(bundleToJSON(b))));
)js";

inline constexpr const char* kCosignDecryptScript = R"js('use strict';
// node cosign-decrypt.js COSIGN_KEY PASSWORD: prints the SPKI PEM of the key sealed in a cosign.key,
// opened with node's scrypt and tweetnacl's secretbox (go-securesystemslib's "encrypted" format).
const fs = require('fs');
const crypto = require('crypto');
const nacl = require('tweetnacl');
const [keyPath, password] = process.argv.slice(2);
const body = fs.readFileSync(keyPath, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
const doc = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
if (doc.kdf.name !== 'scrypt' || doc.cipher.name !== 'nacl/secretbox') throw new Error('unexpected kdf or cipher');
const { N, r, p } = doc.kdf.params;
const secret = crypto.scryptSync(Buffer.from(password, 'utf8'), Buffer.from(doc.kdf.salt, 'base64'), 32,
                                 { N, r, p, maxmem: 256 * N * r });
const der = nacl.secretbox.open(new Uint8Array(Buffer.from(doc.ciphertext, 'base64')),
                                new Uint8Array(Buffer.from(doc.cipher.nonce, 'base64')), new Uint8Array(secret));
if (!der) throw new Error('secretbox open failed');
const key = crypto.createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
process.stdout.write(crypto.createPublicKey(key).export({ type: 'spki', format: 'pem' }));
)js";

// The directory holding node_modules/@sigstore/verify and verify.js, or "" when unavailable.
inline std::string sigstore_js_dir() {
  static const std::string dir = [] {
    if (!have_program("node") || !have_program("npm") || !have_program("flock")) return std::string();
    const auto d = std::filesystem::path(COCO_BINARY).parent_path() / "npm-sigstore";
    std::filesystem::create_directories(d);
    const RunResult r = run_program(
        {"/bin/sh", "-c",
         "cd \"$1\" && flock .lock sh -c '(test -f node_modules/@sigstore/verify/package.json && "
         "test -f node_modules/@sigstore/sign/package.json && test -f node_modules/tweetnacl/package.json) || "
         "timeout 300 npm install --prefix . --no-audit --no-fund --no-save --silent "
         "@sigstore/verify@4 @sigstore/bundle@5 @sigstore/sign@5 tweetnacl@1'",
         "sh", d.string()});
    if (r.exit_code != 0) return std::string();
    write_file_atomic((d / "verify.js").string(), kSigstoreVerifyScript);
    write_file_atomic((d / "sign-message.js").string(), kSigstoreSignMessageScript);
    write_file_atomic((d / "cosign-decrypt.js").string(), kCosignDecryptScript);
    return d.string();
  }();
  return dir;
}

// Runs the verifier; "" when it is unavailable (after a WARN), else "verified" or the error text.
inline std::string sigstore_js_verify(const std::string& bundle, const std::string& public_key,
                                      const std::string& artifact = "") {
  const std::string dir = sigstore_js_dir();
  if (dir.empty()) {
    WARN("@sigstore/verify unavailable (node/npm/registry); independent bundle check skipped");
    return "";
  }
  std::vector<std::string> argv = {"node", dir + "/verify.js", bundle, public_key};
  if (!artifact.empty()) argv.push_back(artifact);
  const RunResult r = run_program(argv);
  return r.exit_code == 0 ? "verified" : "failed: " + r.err;
}

// Runs one of the other scripts (sign-message.js, cosign-decrypt.js); nullopt (after a WARN) when
// node or the packages are unavailable, else its result.
inline std::optional<RunResult> sigstore_js_run(const std::string& script, const std::vector<std::string>& args) {
  const std::string dir = sigstore_js_dir();
  if (dir.empty()) {
    WARN("node/npm/registry unavailable; the independent " + script + " check is skipped");
    return std::nullopt;
  }
  std::vector<std::string> argv = {"node", dir + "/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

}  // namespace coco::test
