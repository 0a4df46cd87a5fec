// SPDX-License-Identifier: Apache-2.0
// coco key generate: a signing key pair (private key PKCS#8 PEM, mode 0600; public key SPKI PEM).
#include "attest/key.h"
#include "commands.h"
#include "io.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::cli {

namespace {
struct KeyGenerateArgs {
  std::string algorithm = "p256";
  std::string out, pass_file;
  bool force = false;
};

// cosign's convention: cosign.key beside cosign.pub; any other name gets ".pub" appended.
std::string public_key_path(const std::string& key_path) {
  const std::string ext = ".key";
  if (key_path.size() > ext.size() && key_path.compare(key_path.size() - ext.size(), ext.size(), ext) == 0)
    return key_path.substr(0, key_path.size() - ext.size()) + ".pub";
  return key_path + ".pub";
}
}  // namespace

void add_key_generate(CLI::App& key, Context& ctx) {
  auto args = std::make_shared<KeyGenerateArgs>();
  CLI::App* cmd = key.add_subcommand("generate", "Generate a signing key pair (ECDSA P-256, P-384 or Ed25519)");
  add_choice(cmd, ctx, "--algorithm", args->algorithm, {"p256", "p384", "ed25519"},
             "key type: p256 (ECDSA P-256, the default), p384 (ECDSA P-384), ed25519; ECDSA signs SHA-256 digests, as cosign does");
  cmd->add_option("-o,--out", args->out, "private key file (PKCS#8 PEM, mode 0600); the public key goes beside "
                                         "it as KEY.pub (cosign.key gives cosign.pub)")
      ->required();
  cmd->add_option("--key-pass-file", args->pass_file,
                  "encrypt the private key with the passphrase on this file's first line "
                  "(else COCO_KEY_PASSWORD when set)")
      ->check(input_file());
  cmd->add_flag("--force", args->force, "overwrite existing key files");
  set_examples(cmd, {ctx.program + " key generate -o cosign.key",
                     ctx.program + " key generate --algorithm ed25519 -o release.key --key-pass-file pass.txt"});
  set_quiet_output(cmd, "the public key file");
  cmd->callback([args, &ctx] {
    const std::string pub_path = public_key_path(args->out);
    for (const std::string& p : {args->out, pub_path})
      if (!args->force && file_exists(p)) throw Error(Exit::Failure, p, "already exists (use --force to replace it)");
    const attest::PrivateKey key = attest::generate_key(attest::parse_key_algorithm(args->algorithm));
    const auto passphrase = attest::key_passphrase(args->pass_file);
    if (passphrase && passphrase->empty())
      fail(args->pass_file.empty() ? "COCO_KEY_PASSWORD" : args->pass_file,
           "empty passphrase: an encrypted key needs one (unset it for an unencrypted key)");
    const attest::PublicKey pub = key.public_key();
    write_files_atomic({{args->out, key.pem(passphrase), 0600}, {pub_path, pub.pem(), 0644}});  // both or neither
    const Json result = {{"algorithm", args->algorithm}, {"private_key", args->out}, {"public_key", pub_path},
                         {"hint", pub.hint()}, {"encrypted", passphrase.has_value()}};
    ctx.emit(result, [&](std::ostream& os) {
      os << "wrote " << args->out << (passphrase ? " (encrypted)" : "") << " and " << pub_path << " ("
         << args->algorithm << ", key " << pub.hint() << ")\n";
    }, {pub_path});
  });
}

}  // namespace coco::cli
