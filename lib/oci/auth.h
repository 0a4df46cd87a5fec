// SPDX-License-Identifier: Apache-2.0
// Registry authentication (plumbing.md §1.2): WWW-Authenticate challenges, the Bearer token flow
// (anonymous or with Basic credentials, identity tokens via the OAuth2 refresh grant), Basic auth,
// and credentials from Docker's config.json (credHelpers, credsStore, auths) and podman/skopeo
// auth files. Secrets never appear in messages.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coco::oci {

struct Challenge {
  std::string scheme;                         // lower case: "bearer", "basic"
  std::map<std::string, std::string> params;  // realm, service, scope, error …
};
// Parses a WWW-Authenticate value (several challenges, quoted strings with escapes).
std::vector<Challenge> parse_challenges(const std::string& header);

struct Credentials {
  std::string username, secret;
  std::string identity_token;  // an OAuth2 refresh token (ACR, docker login with SSO)
  bool empty() const { return username.empty() && secret.empty() && identity_token.empty(); }
};

// The credentials for `host` ("127.0.0.1:5003", "docker.io"), or none. `auth_file` overrides
// the search ($REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json,
// $XDG_RUNTIME_DIR/containers/auth.json). A failing credential helper is an error.
std::optional<Credentials> find_credentials(const std::string& host, const std::string& auth_file);

// Runs `docker-credential-<helper> get` with the server on stdin (the Docker helper protocol).
std::optional<Credentials> run_credential_helper(const std::string& helper, const std::string& server);
// A helper's successful answer ({"Username": …, "Secret": …}; "<token>" means an identity token).
// Errors name `program` but never echo the answer: it may hold a secret.
Credentials parse_credential_helper_reply(std::string_view reply, const std::string& program);

}  // namespace coco::oci
