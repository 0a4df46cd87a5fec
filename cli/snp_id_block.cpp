// SPDX-License-Identifier: Apache-2.0
// coco snp id-block: the SNP ID block and ID auth structure for a launch digest, signed with
// ECDSA P-384 keys, as QEMU's sev-snp-guest object takes them (snp-create-id-block compatible).
#include <memory>

#include "commands.h"
#include "io.h"
#include "snp/id_block.h"
#include "util/encoding.h"

namespace coco::cli {

void add_snp_id_block(CLI::App& snp_group, Context& ctx) {
  auto rq = std::make_shared<snp::IdBlockRequest>();
  CLI::App* cmd = snp_group.add_subcommand("id-block", "Build and sign an SNP ID block and ID auth structure");
  cmd->add_option("--measurement", rq->measurement, "SNP launch digest: 96 hex digits or base64")->required()->type_name("DIGEST");
  cmd->add_option("--id-key,--idkey", rq->id_key, "ID key: PEM ECDSA P-384 private key (PKCS#8, encrypted PKCS#8 or SEC1)")->required()->type_name("FILE");
  cmd->add_option("--author-key,--authorkey", rq->author_key, "Author key signing the ID key (P-384 PEM); optional")->type_name("FILE");
  cmd->add_option("--key-pass-file", rq->key_pass_file, "passphrase of an encrypted key, on the file's first line (else COCO_KEY_PASSWORD)")
      ->check(input_file())
      ->type_name("FILE");
  cmd->add_option("--family-id", rq->family_id, "Family ID, 32 hex digits (default: zeros)")->type_name("HEX");
  cmd->add_option("--image-id", rq->image_id, "Image ID, 32 hex digits (default: zeros)")->type_name("HEX");
  cmd->add_option("--policy", rq->policy, "Guest policy; must equal the launch policy (default: 0x30000)")->type_name("NUM");
  cmd->add_option("--svn", rq->svn, "Guest SVN (default: 0)")->type_name("N");
  set_examples(cmd, {
      "openssl ecparam -name secp384r1 -genkey -noout -out id.pem",
      "openssl ecparam -name secp384r1 -genkey -noout -out author.pem",
      "LD=$(" + ctx.program + " measure snp --mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf /usr/share/ovmf/OVMF.fd)",
      ctx.program + " snp id-block --measurement \"$LD\" --id-key id.pem --author-key author.pem",
      ctx.program + " snp id-block --measurement \"$LD\" --id-key id.pem --family-id 00112233445566778899aabbccddeeff --svn 2 --output json",
  });
  set_quiet_output(cmd, "QEMU's sev-snp-guest properties: id-block=…,id-auth=…,author-key-enabled=on|off");
  cmd->callback([rq, &ctx] {
    const snp::IdBlockOutput o = snp::make_id_block(*rq);
    ctx.emit(snp::to_json(o), [&](std::ostream& os) {
      os << snp::to_text(o) << "author-key-enabled: " << (o.author_key ? "on" : "off") << '\n';
    }, {"id-block=" + to_base64(o.auth.id_block) + ",id-auth=" + to_base64(o.auth.id_auth) +
        ",author-key-enabled=" + (o.author_key ? "on" : "off")});
  });
}

}  // namespace coco::cli
