// SPDX-License-Identifier: Apache-2.0
// coco verify: checks a Sigstore bundle, DSSE envelope or detached signature against files.
#include "attest/signing.h"
#include "commands.h"
#include "io.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::cli {

namespace {
struct VerifyArgs {
  std::vector<std::string> files, keys;
  std::string bundle, signature, predicate_type;
};
}  // namespace

void add_verify(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand("verify", "Verify files against a Sigstore bundle, DSSE envelope or .sig");
  cmd->add_option("files", args->files, "the signed files; each must match the statement's subject of its name")
      ->required()
      ->check(input_file());
  auto* bundle = cmd->add_option("--bundle", args->bundle, "Sigstore bundle or DSSE envelope, - for stdin "
                                                           "(default: FILE.sigstore.json, else FILE.sig)")
                     ->check(input_or_stdin());
  cmd->add_option("--signature", args->signature, "detached signature (base64 DER, cosign sign-blob style), - for stdin")
      ->check(input_or_stdin())
      ->excludes(bundle);
  cmd->add_option("--key", args->keys, "public key PEM (SubjectPublicKeyInfo); repeat to require a signature "
                                       "by each key")
      ->required()
      ->check(input_file());
  cmd->add_option("--predicate-type", args->predicate_type, "also require this predicateType");
  set_examples(cmd, {ctx.program + " verify policy.rego --bundle policy.rego.sigstore.json --key cosign.pub",
                     ctx.program + " verify measurements.json --signature measurements.json.sig --key cosign.pub",
                     "cat policy.rego.sigstore.json | " + ctx.program + " verify policy.rego --bundle - --key cosign.pub"});
  set_quiet_output(cmd, "the files verified (nothing when verification fails; the exit code says so)");
  cmd->callback([args, &ctx] {
    std::vector<attest::NamedKey> keys;
    for (const std::string& k : args->keys) keys.push_back({k, attest::load_public_key(k)});
    std::string bundle = args->bundle, signature = args->signature;
    if (bundle.empty() && signature.empty()) {
      if (args->files.size() != 1) usage_error("name the bundle with --bundle (or the signature with --signature)");
      const std::string& f = args->files.front();
      if (file_exists(f + ".sigstore.json")) bundle = f + ".sigstore.json";
      else if (file_exists(f + ".sig")) signature = f + ".sig";
      else usage_error("no " + f + ".sigstore.json or " + f + ".sig; name it with --bundle or --signature");
    }
    attest::Verification v;
    if (!signature.empty()) {
      if (args->files.size() != 1) usage_error("a detached signature covers one file");
      if (keys.size() != 1) usage_error("a detached signature is checked with one --key");
      v = attest::verify_detached(args->files.front(), read_input(signature, 1 << 20), input_name(signature),
                               keys.front());
    } else {
      std::optional<std::string> want;
      if (!args->predicate_type.empty()) want = args->predicate_type;
      v = attest::verify_signed_files(args->files, read_input(bundle), input_name(bundle), keys, want);
    }
    if (!v.verified) ctx.exit_code = 1;
    std::vector<std::string> verified;
    if (v.verified)
      for (const auto& f : v.files) verified.push_back(f.file);
    ctx.emit(attest::to_json(v), [&](std::ostream& os) {
      if (!v.verified) {
        os << "FAILED: " << v.reason << '\n';
        return;
      }
      for (const auto& f : v.files) os << "verified: " << f.file << " (" << f.actual << ")\n";
      for (const auto& s : v.signers) os << "  signed by key " << s << '\n';
      if (!v.predicate_type.empty()) os << "  predicate type " << v.predicate_type << '\n';
      for (const auto& s : v.unchecked_subjects) os << "  subject not checked (no file given): " << s << '\n';
    }, verified);
  });
}

}  // namespace coco::cli
