// SPDX-License-Identifier: Apache-2.0
// coco sign: an in-toto Statement over files in a DSSE envelope, as a Sigstore bundle (default),
// the bare envelope, or cosign-style detached signatures.
#include "attest/signing.h"
#include "commands.h"
#include "io.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::cli {

namespace {
struct SignArgs {
  std::vector<std::string> files, keys;
  std::string pass_file, format = "bundle", predicate_type{attest::kFilesPredicate}, predicate_file, out;
};
}  // namespace

void add_sign(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<SignArgs>();
  CLI::App* cmd = app.add_subcommand("sign", "Sign files: in-toto statement in a DSSE envelope / Sigstore bundle");
  cmd->add_option("files", args->files, "files to sign (the statement's subjects: file name + sha256)")
      ->required()
      ->check(input_file());
  cmd->add_option("--key", args->keys, "private key PEM (PKCS#8, encrypted PKCS#8 or SEC1 EC); repeat for "
                                       "several signatures on one DSSE envelope")
      ->required();
  cmd->add_option("--key-pass-file", args->pass_file,
                  "passphrase of an encrypted key, on the file's first line (else COCO_KEY_PASSWORD)")
      ->check(input_file());
  add_choice(cmd, ctx, "--format", args->format, {"bundle", "dsse", "detached"},
             "bundle: Sigstore bundle v0.3 (FILE.sigstore.json); dsse: bare DSSE envelope (FILE.dsse.json); "
             "detached: FILE.sig = base64 DER signature over the file (cosign sign-blob)");
  cmd->add_option("--predicate-type", args->predicate_type, "the statement's predicateType URI");
  cmd->add_option("--predicate", args->predicate_file, "JSON file holding the predicate (default: {})")
      ->check(input_file());
  cmd->add_option("-o,--out", args->out, "output file, - for stdout (needed when signing several files into one envelope)");
  set_examples(cmd, {ctx.program + " key generate -o cosign.key && " + ctx.program +
                         " sign policy.rego --key cosign.key",
                     ctx.program + " sign a.json b.json --key ci.key --key release.key --format dsse -o ab.dsse.json",
                     ctx.program + " sign measurements.json --key cosign.key --format detached",
                     ctx.program + " sign policy.rego --key cosign.key -o - | jq .dsseEnvelope"});
  set_quiet_output(cmd, "the files written");
  cmd->callback([args, &ctx] {
    const attest::SignFormat format = attest::parse_sign_format(args->format);
    std::vector<attest::PrivateKey> keys;
    for (const std::string& k : args->keys) {
      std::string warning;
      keys.push_back(attest::load_signing_key(k, args->pass_file, &warning));
      if (!warning.empty()) ctx.warn(warning);
    }
    Json outputs = Json::array(), subjects = Json::array(), signers = Json::array();
    for (const auto& k : keys) signers.push_back(k.public_key().hint());
    if (format == attest::SignFormat::Detached) {
      if (keys.size() != 1) usage_error("--format detached signs with exactly one --key");
      if (!args->out.empty() && args->files.size() != 1) usage_error("-o names one signature; sign one file at a time");
      for (const std::string& f : args->files) {
        const std::string out = args->out.empty() ? f + ".sig" : args->out;
        attest::Subject s;
        const std::string sig = attest::detached_signature(f, keys.front(), &s);
        write_output(out, sig);
        outputs.push_back(out);
        subjects.push_back({{"name", s.name}, {"digest", s.text()}});
      }
    } else {
      attest::Statement st;
      st.predicate_type = args->predicate_type;
      if (!args->predicate_file.empty()) {
        st.predicate = parse_json(read_text_file(args->predicate_file), args->predicate_file);
        if (!st.predicate.is_object()) fail(args->predicate_file, "the predicate must be a JSON object");
      }
      for (const std::string& f : args->files) st.subjects.push_back(attest::file_subject(f));
      if (args->out.empty() && args->files.size() != 1)
        usage_error("several files go into one statement: name its file with -o");
      const std::string out = !args->out.empty() ? args->out
                              : format == attest::SignFormat::Bundle ? args->files.front() + ".sigstore.json"
                                                                     : args->files.front() + ".dsse.json";
      write_output(out, attest::sign_statement(st, keys, format));
      outputs.push_back(out);
      for (const auto& s : st.subjects) subjects.push_back({{"name", s.name}, {"digest", s.text()}});
    }
    const Json result = {{"format", args->format},
                         {"outputs", outputs},
                         {"predicate_type", format == attest::SignFormat::Detached ? Json(nullptr)
                                                                                  : Json(args->predicate_type)},
                         {"subjects", subjects},
                         {"signers", signers}};
    if (is_stdout(args->out)) return;  // stdout holds the signature
    ctx.emit(result, [&](std::ostream& os) {
      for (const auto& o : outputs) os << "wrote " << o.get<std::string>() << " (" << args->format << ")\n";
    }, outputs.get<std::vector<std::string>>());
  });
}

}  // namespace coco::cli
