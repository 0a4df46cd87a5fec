// SPDX-License-Identifier: Apache-2.0
// The namespace kubectl gives objects that name none (policy.md §1.2): the current context's
// namespace in the kubeconfig (the files $KUBECONFIG lists, colon-separated, else
// ~/.kube/config; the first file that sets current-context, and the first definition of that
// context, win, as kubectl merges them), else "default".
#pragma once

#include <string>

namespace coco::k8s {

// `kubeconfig_env` is $KUBECONFIG ("" when unset), `home` is $HOME ("" when unset). A kubeconfig
// that exists but does not parse is an error naming it; missing files are skipped.
std::string kubectl_namespace(const std::string& kubeconfig_env, const std::string& home);

}  // namespace coco::k8s
