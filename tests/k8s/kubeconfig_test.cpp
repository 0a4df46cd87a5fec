// SPDX-License-Identifier: Apache-2.0
// kubectl's namespace for objects that name none (issue 11 item 9): the current context's
// namespace across the files $KUBECONFIG lists, else ~/.kube/config, else "default".
#include <catch2/catch.hpp>
#include <filesystem>

#include "k8s/kubeconfig.h"
#include "support/support.h"
#include "util/error.h"

using namespace coco;

namespace {

std::string config(const std::string& current, const std::string& contexts) {
  return "apiVersion: v1\nkind: Config\n" + (current.empty() ? "" : "current-context: " + current + "\n") +
         "contexts:\n" + contexts;
}

}  // namespace

TEST_CASE("kubeconfig: the current context's namespace", "[k8s][namespace]") {
  test::TempDir dir;
  const std::string a = dir.write("a", config("dev", "- name: dev\n  context: {cluster: c, namespace: team-a}\n"
                                                     "- name: prod\n  context: {cluster: c, namespace: team-b}\n"));
  CHECK(k8s::kubectl_namespace(a, "") == "team-a");
  // The first file that sets current-context wins; contexts merge, the first definition winning.
  const std::string b = dir.write("b", config("prod", "- name: dev\n  context: {cluster: c, namespace: other}\n"));
  CHECK(k8s::kubectl_namespace(b + ":" + a, "") == "team-b");
  CHECK(k8s::kubectl_namespace(a + ":" + b, "") == "team-a");
  // A context without a namespace, no current context, no file at all: "default".
  const std::string c = dir.write("c", config("bare", "- name: bare\n  context: {cluster: c}\n"));
  CHECK(k8s::kubectl_namespace(c, "") == "default");
  CHECK(k8s::kubectl_namespace(dir.write("d", config("", "[]\n")), "") == "default");
  CHECK(k8s::kubectl_namespace(dir.file("missing"), "") == "default");
  // Without $KUBECONFIG: ~/.kube/config.
  std::filesystem::create_directories(dir.path() / "home/.kube");
  dir.write("home/.kube/config", config("dev", "- name: dev\n  context: {namespace: from-home}\n"));
  CHECK(k8s::kubectl_namespace("", dir.file("home")) == "from-home");
  CHECK(k8s::kubectl_namespace("", dir.file("nohome")) == "default");
}

TEST_CASE("kubeconfig: a file that does not parse is named", "[k8s][namespace][hostile]") {
  test::TempDir dir;
  const std::string bad = dir.write("bad", "current-context: [unclosed\n");
  CHECK_THROWS_WITH(k8s::kubectl_namespace(bad, ""), Catch::Contains(bad));
  const std::string list = dir.write("list", "- a\n- b\n");
  CHECK_THROWS_WITH(k8s::kubectl_namespace(list, ""), Catch::Contains("a kubeconfig must be a mapping"));
}
