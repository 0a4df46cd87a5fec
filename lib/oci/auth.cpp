// SPDX-License-Identifier: Apache-2.0
#include "oci/auth.h"

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"
#include "util/output.h"

extern char** environ;

namespace coco::oci {

std::vector<Challenge> parse_challenges(const std::string& h) {
  std::vector<Challenge> out;
  std::size_t i = 0;
  const auto skip_ws = [&] { while (i < h.size() && (h[i] == ' ' || h[i] == '\t' || h[i] == ',')) ++i; };
  const auto token = [&] {
    const std::size_t b = i;
    while (i < h.size() && h[i] != ' ' && h[i] != '\t' && h[i] != ',' && h[i] != '=') ++i;
    return h.substr(b, i - b);
  };
  skip_ws();
  while (i < h.size()) {
    Challenge c;
    c.scheme = token();
    for (auto& ch : c.scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    skip_ws();
    while (i < h.size()) {  // key=value pairs until the next scheme (a token without '=')
      const std::size_t save = i;
      std::string key = token();
      if (i >= h.size() || h[i] != '=') {
        i = save;
        break;
      }
      ++i;
      std::string value;
      if (i < h.size() && h[i] == '"') {
        for (++i; i < h.size() && h[i] != '"'; ++i) {
          if (h[i] == '\\' && i + 1 < h.size()) ++i;
          value += h[i];
        }
        ++i;
      } else {
        value = token();
      }
      for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      c.params[key] = value;
      skip_ws();
    }
    if (!c.scheme.empty()) out.push_back(c);
    skip_ws();
  }
  return out;
}

namespace {

// "https://index.docker.io/v1/" → "index.docker.io"; "127.0.0.1:5003" stays.
std::string auth_key_host(std::string key) {
  if (const auto p = key.find("://"); p != std::string::npos) key = key.substr(p + 3);
  if (const auto s = key.find('/'); s != std::string::npos) key = key.substr(0, s);
  return key;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

std::optional<Credentials> run_credential_helper(const std::string& helper, const std::string& server) {
  const std::string program = "docker-credential-" + helper;
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) fail(program, "cannot create pipes");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addclose(&fa, in[1]);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  char arg0[256], arg1[] = "get";
  std::snprintf(arg0, sizeof arg0, "%s", program.c_str());
  char* argv[] = {arg0, arg1, nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, program.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    fail(program, "cannot run the credential helper named in the Docker config: " + errno_text(rc));
  }
  const std::string line = server + "\n";
  [[maybe_unused]] const auto w = write(in[1], line.data(), line.size());
  close(in[1]);
  std::string reply;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0 && reply.size() < (1 << 20);) reply.append(buf, static_cast<std::size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // The protocol's "not found" answer means: no credentials, pull anonymously.
    if (reply.find("credentials not found") != std::string::npos) return std::nullopt;
    fail(program, "credential helper failed for " + server + " (exit " +
                      std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + ")");
  }
  return parse_credential_helper_reply(reply, program);
}

Credentials parse_credential_helper_reply(std::string_view reply, const std::string& program) {
  Json j;
  try {
    j = parse_json(reply, program);
  } catch (const Error&) {
    fail(program, "credential helper answered something that is not JSON");  // never echo: it may hold a secret
  }
  if (!j.is_object() || !j.contains("Username") || !j.contains("Secret") || !j["Username"].is_string() ||
      !j["Secret"].is_string())
    fail(program, "credential helper answer lacks Username or Secret");
  Credentials c;
  if (j["Username"] == "<token>") c.identity_token = j["Secret"];
  else c.username = j["Username"], c.secret = j["Secret"];
  return c;
}

std::optional<Credentials> find_credentials(const std::string& host, const std::string& auth_file) {
  std::vector<std::string> files;
  if (!auth_file.empty()) {
    if (!file_exists(auth_file)) fail(auth_file, "no such auth file");
    files.push_back(auth_file);
  } else {
    if (!env("REGISTRY_AUTH_FILE").empty()) files.push_back(env("REGISTRY_AUTH_FILE"));
    if (!env("DOCKER_CONFIG").empty()) files.push_back(env("DOCKER_CONFIG") + "/config.json");
    else if (!env("HOME").empty()) files.push_back(env("HOME") + "/.docker/config.json");
    if (!env("XDG_RUNTIME_DIR").empty()) files.push_back(env("XDG_RUNTIME_DIR") + "/containers/auth.json");
  }
  // Docker Hub's credentials live under its v1 index URL.
  const std::string server = host == "docker.io" ? "https://index.docker.io/v1/" : host;
  const std::string want = host == "docker.io" ? "index.docker.io" : host;
  for (const std::string& path : files) {
    if (!file_exists(path)) continue;
    const Json j = parse_json(read_text_file(path, 4 << 20), path);
    if (!j.is_object()) fail(path, "not a JSON object");
    if (j.contains("credHelpers") && j["credHelpers"].is_object())
      for (const auto& [k, v] : j["credHelpers"].items())
        if (auth_key_host(k) == want && v.is_string()) return run_credential_helper(v.get<std::string>(), server);
    if (j.contains("auths") && j["auths"].is_object())
      for (const auto& [k, v] : j["auths"].items()) {
        if (auth_key_host(k) != want || !v.is_object()) continue;
        Credentials c;
        if (v.contains("identitytoken") && v["identitytoken"].is_string()) c.identity_token = v["identitytoken"];
        if (v.contains("auth") && v["auth"].is_string() && !v["auth"].get<std::string>().empty()) {
          const ByteVec raw = from_base64(v["auth"].get<std::string>(), path + ": auths." + k + ".auth");
          const std::string pair(raw.begin(), raw.end());
          const auto colon = pair.find(':');
          if (colon == std::string::npos) fail(path, "auths." + k + ".auth is not base64 of user:password");
          c.username = pair.substr(0, colon);
          c.secret = pair.substr(colon + 1);
        }
        if (!c.empty()) return c;
      }
    if (j.contains("credsStore") && j["credsStore"].is_string()) return run_credential_helper(j["credsStore"], server);
  }
  return std::nullopt;
}

}  // namespace coco::oci
