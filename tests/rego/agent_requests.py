# SPDX-License-Identifier: Apache-2.0
"""The Kata agent requests that kubelet, containerd 2.x and the Kata (Go) runtime send for a pod.

Written from what those components do, not from coco's policy generator, so that evaluating a
generated policy against these requests is a real check. The request shapes (field names, the
bind-mount source names in the shared directory, guest-pull storages, default mounts, masked
paths, capabilities) follow the agent protocol's JSON form as the runtime serialises it.

Values the node chooses (ids, service IPs, the pod-template hash) are fixed but arbitrary, so
that the output is the same on every run.
"""

import base64
import copy
import hashlib
import re

DEFAULT_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
                "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]
# containerd grants every capability the kernel knows to a privileged container.
ALL_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
            "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
            "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
            "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"]
MASKED = ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
          "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"]
READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SHARED = "/run/kata-containers/shared/containers"
SANDBOX_STORAGE = "/run/kata-containers/sandbox/storage"
# containerd 2.x sets these on every pod sandbox.
SANDBOX_SYSCTLS = {"net.ipv4.ip_unprivileged_port_start": "0", "net.ipv4.ping_group_range": "0 2147483647"}
SHM_STORAGE = {"driver": "ephemeral", "driver_options": [], "source": "shm", "fstype": "tmpfs",
               "options": ["noexec", "nosuid", "nodev", "mode=1777", "size=67108864"],
               "mount_point": "/run/kata-containers/sandbox/shm", "fs_group": None, "shared": False}


def hexid(*parts):
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def shared_source(cid, dest):
    """The runtime copies a host bind into the guest as <cid>-<16 random hex>-<basename>."""
    return f"{SHARED}/{cid}-{hexid(cid, dest)[:16]}-{dest.rstrip('/').rsplit('/', 1)[-1]}"


def job_spec(doc):
    return doc["spec"]["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else doc["spec"]


def indexed_job(doc):
    return doc["kind"] in ("Job", "CronJob") and job_spec(doc).get("completionMode") == "Indexed"


def controller_pod_name(doc):
    """The name the controller gives the pod of a workload; random parts are fixed here."""
    kind, name = doc["kind"], doc["metadata"].get("name", "")
    if kind == "Pod":
        return name or doc["metadata"]["generateName"] + "x7k2q"
    job = f"{name}-29421360" if kind == "CronJob" else name
    if indexed_job(doc):
        return f"{job}-1-x7k2q"
    return {
        "Deployment": f"{name}-6d4cf56db6-x7k2q",
        "ReplicaSet": f"{name}-x7k2q",
        "ReplicationController": f"{name}-x7k2q",
        "DaemonSet": f"{name}-x7k2q",
        "StatefulSet": f"{name}-0",
        "Job": f"{job}-x7k2q",
        "CronJob": f"{job}-x7k2q",
    }[kind]


def controller_labels(doc, pod_name):
    """Labels and annotations the controllers add to the pods they create."""
    kind, name = doc["kind"], doc["metadata"].get("name", "")
    uid = "9c64c5bf-298f-46c4-ad63-e2270a2ff44c"
    labels, annotations = {}, {}
    if kind == "Deployment":
        labels["pod-template-hash"] = "6d4cf56db6"
    elif kind == "StatefulSet":
        labels.update({"statefulset.kubernetes.io/pod-name": pod_name, "apps.kubernetes.io/pod-index": "0",
                       "controller-revision-hash": f"{name}-7b9c5d8f4"})
    elif kind == "DaemonSet":
        labels.update({"controller-revision-hash": "5d8f7b9c4", "pod-template-generation": "1"})
    elif kind in ("Job", "CronJob"):
        job = f"{name}-29421360" if kind == "CronJob" else name
        labels.update({"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": job,
                       "controller-uid": uid, "job-name": job})
        if indexed_job(doc):
            labels["batch.kubernetes.io/job-completion-index"] = "1"
            annotations["batch.kubernetes.io/job-completion-index"] = "1"
    return labels, annotations


def pod_template(doc):
    kind = doc["kind"]
    if kind == "Pod":
        return doc["metadata"], doc["spec"]
    if kind == "CronJob":
        t = doc["spec"]["jobTemplate"]["spec"]["template"]
    else:
        t = doc["spec"]["template"]
    return t.get("metadata", {}), t["spec"]


class Cluster:
    """ConfigMaps, Secrets and Services of the input, as the API server would hold them."""

    def __init__(self, docs):
        self.config_maps, self.secrets, self.services = {}, {}, []
        for d in docs:
            ns = d.get("metadata", {}).get("namespace", "default")
            name = d.get("metadata", {}).get("name")
            if d.get("kind") == "ConfigMap":
                self.config_maps[(ns, name)] = dict(d.get("data") or {})
            elif d.get("kind") == "Secret":
                data = {k: base64.b64decode(v).decode() for k, v in (d.get("data") or {}).items()}
                data.update(d.get("stringData") or {})
                self.secrets[(ns, name)] = data
            elif d.get("kind") == "Service":
                self.services.append(d)

    def service_env(self, namespace):
        """kubelet's service links: every service of the namespace, plus the master service."""
        out = {}
        svcs = [{"metadata": {"name": "kubernetes", "namespace": "default"},
                 "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443}]}}]
        svcs += [s for s in self.services if s["metadata"].get("namespace", "default") == namespace]
        for n, s in enumerate(svcs):
            ip = s["spec"].get("clusterIP") or f"10.96.{100 + n}.{7 + n}"
            if ip == "None":
                continue
            prefix = s["metadata"]["name"].upper().replace("-", "_")
            ports = s["spec"].get("ports", [])
            out[f"{prefix}_SERVICE_HOST"] = ip
            out[f"{prefix}_SERVICE_PORT"] = str(ports[0]["port"])
            for p in ports:
                if p.get("name"):
                    out[f"{prefix}_SERVICE_PORT_{p['name'].upper().replace('-', '_')}"] = str(p["port"])
            first = ports[0]
            out[f"{prefix}_PORT"] = f"{first.get('protocol', 'TCP').lower()}://{ip}:{first['port']}"
            for p in ports:
                proto = p.get("protocol", "TCP")
                base = f"{prefix}_PORT_{p['port']}_{proto}"
                out[base] = f"{proto.lower()}://{ip}:{p['port']}"
                out[base + "_PROTO"] = proto.lower()
                out[base + "_PORT"] = str(p["port"])
                out[base + "_ADDR"] = ip
        return out


def expand(text, env):
    """kubelet's $(VAR) expansion: defined names are replaced, $$ escapes, others stay."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("$(", i) and ")" in text[i:]:
            end = text.index(")", i)
            name = text[i + 2:end]
            out.append(env[name] if name in env else text[i:end + 1])
            i = end + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


class Pod:
    """One pod of the input, after scheduling on a node."""

    def __init__(self, doc, cluster, images, aks_pause_image=None):
        """aks_pause_image: the pause image's facts on AKS, where images are pulled on the host as
        tarfs layers (the aks profile); None for guest pull."""
        self.doc, self.cluster, self.images = doc, cluster, images
        self.aks_pause = aks_pause_image
        self.meta, self.spec = pod_template(doc)
        self.name = controller_pod_name(doc)
        self.namespace = doc["metadata"].get("namespace", "default")
        self.uid = "3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f"
        self.sandbox_id = hexid("sandbox", self.name)
        extra_labels, extra_annotations = controller_labels(doc, self.name)
        self.labels = {**(self.meta.get("labels") or {}), **extra_labels}
        self.annotations = {**(self.meta.get("annotations") or {}), **extra_annotations}
        self.hostname = self.spec.get("hostname") or self.name[:63].rstrip("-.")
        if indexed_job(doc):  # the Job controller names the host after the index
            self.hostname = self.name[:-len("-x7k2q")]

    # ---------------------------------------------------------------- the sandbox

    def create_sandbox(self):
        return {"hostname": self.hostname, "dns": [], "storages": [copy.deepcopy(SHM_STORAGE)],
                "sandbox_pidns": False, "sandbox_id": self.sandbox_id, "guest_hook_path": "",
                "kernel_modules": []}

    def common_annotations(self):
        return {
            "io.kubernetes.cri.sandbox-id": self.sandbox_id,
            "io.kubernetes.cri.sandbox-name": self.name,
            "io.kubernetes.cri.sandbox-namespace": self.namespace,
            "io.kubernetes.cri.sandbox-uid": self.uid,
        }

    def create_pause(self):
        cid = self.sandbox_id
        anno = self.common_annotations()
        anno.update({
            "io.katacontainers.pkg.oci.bundle_path": f"/run/containerd/io.containerd.runtime.v2.task/k8s.io/{cid}",
            "io.katacontainers.pkg.oci.container_type": "pod_sandbox",
            "io.kubernetes.cri.container-type": "sandbox",
            "io.kubernetes.cri.podsandbox.image-name": "registry.k8s.io/pause:3.10",
            "io.kubernetes.cri.sandbox-cpu-period": "100000",
            "io.kubernetes.cri.sandbox-cpu-quota": "0",
            "io.kubernetes.cri.sandbox-cpu-shares": "2",
            "io.kubernetes.cri.sandbox-memory": "0",
            "io.kubernetes.cri.sandbox-log-directory": f"/var/log/pods/{self.namespace}_{self.name}_{self.uid}",
            "nerdctl/network-namespace": "/var/run/netns/cni-0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        })
        psc = self.spec.get("securityContext") or {}
        uid = psc.get("runAsUser", 65535)
        gid = psc.get("runAsGroup", 65535)
        groups = sorted({gid, *([psc["fsGroup"]] if "fsGroup" in psc else []), *psc.get("supplementalGroups", [])})
        mounts = default_mounts(False, with_cgroup=False) + [
            {"destination": "/dev/shm", "options": ["rbind"], "source": "/run/kata-containers/sandbox/shm", "type_": "bind"},
            {"destination": "/etc/resolv.conf", "options": ["rbind", "ro", "nosuid", "nodev", "noexec"],
             "source": shared_source(cid, "/etc/resolv.conf"), "type_": "bind"},
        ]
        sysctls = dict(SANDBOX_SYSCTLS)
        for s in psc.get("sysctls", []):
            sysctls[s["name"]] = s["value"]
        process = make_process(["/pause"], [DEFAULT_PATH], "/", uid, gid, groups, DEFAULT_CAPS, True, False)
        return self.create_request(cid, anno, process, mounts, sysctls, "pause", readonly_root=True,
                                   image=self.aks_pause)

    def create_request(self, cid, anno, process, mounts, sysctls, image_ref, readonly_root, storages=(), pidns=False,
                       image=None):
        if self.aks_pause is None:
            root = f"/run/kata-containers/{cid}/rootfs"
            image_storages = [{"driver": "image_guest_pull",
                               "driver_options": ["image_guest_pull=" + json_compact({"metadata": anno})],
                               "fs_group": None, "fstype": "overlay", "mount_point": root,
                               "options": [], "source": image_ref, "shared": False}]
        else:
            root = f"{SHARED}/{cid}/rootfs"
            image_storages = tarfs_storages(image, root)
        return {
            "OCI": {
                "Annotations": anno,
                "Hooks": None,
                "Hostname": self.hostname,
                "Linux": {
                    "CgroupsPath": f"/kubepods/besteffort/pod{self.uid}/{cid}",
                    "Devices": [], "GIDMappings": [], "IntelRdt": None,
                    "MaskedPaths": [] if process.get("_privileged") else list(MASKED),
                    "MountLabel": "",
                    "Namespaces": [{"Path": "", "Type": "ipc"}, {"Path": "", "Type": "uts"}, {"Path": "", "Type": "mount"}],
                    "ReadonlyPaths": [] if process.get("_privileged") else list(READONLY),
                    "Resources": {"BlockIO": None, "CPU": {"Cpus": "", "Mems": "", "Period": 0, "Quota": 0,
                                                           "RealtimePeriod": 0, "RealtimeRuntime": 0, "Shares": 2},
                                  "Devices": [], "HugepageLimits": [], "Memory": None, "Network": None, "Pids": None},
                    "RootfsPropagation": "", "Seccomp": None, "Sysctl": sysctls, "UIDMappings": [],
                },
                "Mounts": mounts,
                "Process": {k: v for k, v in process.items() if not k.startswith("_")},
                "Root": {"Path": root, "Readonly": readonly_root},
                "Solaris": None,
                "Version": "1.1.0",
                "Windows": None,
            },
            "container_id": cid,
            "devices": [],
            "exec_id": cid,
            "sandbox_pidns": pidns,
            "shared_mounts": [],
            "storages": list(storages) + image_storages,
            "string_user": None,
        }

    # ---------------------------------------------------------------- app containers

    def containers(self):
        out = list(self.spec.get("initContainers") or []) + list(self.spec.get("containers") or [])
        if indexed_job(self.doc):  # the Job controller's env for the index, unless already set
            index = {"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
                "fieldPath": "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}}
            out = [c if any(e["name"] == index["name"] for e in c.get("env") or []) else
                   {**c, "env": list(c.get("env") or []) + [index]} for c in out]
        return out

    def field_ref(self, path, container):
        if path == "metadata.name":
            return self.name
        if path == "metadata.namespace":
            return self.namespace
        if path == "metadata.uid":
            return self.uid
        if path == "spec.serviceAccountName":
            return self.spec.get("serviceAccountName", "default")
        if path == "spec.nodeName":
            return "worker-1"
        if path in ("status.podIP", "status.podIPs"):
            return "10.244.1.17"
        if path in ("status.hostIP", "status.hostIPs"):
            return "192.168.49.2"
        m = re.fullmatch(r"metadata\.(labels|annotations)\['(.*)'\]", path)
        if m:
            src = self.labels if m.group(1) == "labels" else self.annotations
            return src.get(m.group(2), "")
        raise KeyError(path)

    def kubelet_env(self, c):
        """kubelet's order: envFrom, then env (expanded against what came before), then service links."""
        env, order = {}, []

        def put(k, v):
            if k not in env:
                order.append(k)
            env[k] = v

        for ef in c.get("envFrom") or []:
            prefix = ef.get("prefix", "")
            ref = ef.get("configMapRef") or ef.get("secretRef")
            table = self.cluster.config_maps if "configMapRef" in ef else self.cluster.secrets
            data = table.get((self.namespace, ref["name"]))
            if data is None:
                continue  # optional and absent
            for k, v in data.items():
                put(prefix + k, v)
        services = self.cluster.service_env(self.namespace) if self.spec.get("enableServiceLinks", True) else \
            self.cluster.service_env("-no-namespace-")
        for e in c.get("env") or []:
            if "value" in e or "valueFrom" not in e:
                put(e["name"], expand(e.get("value", ""), {**services, **env}))
                continue
            vf = e["valueFrom"]
            if "fieldRef" in vf:
                put(e["name"], self.field_ref(vf["fieldRef"]["fieldPath"], c))
            elif "resourceFieldRef" in vf:
                put(e["name"], "134217728")
            else:
                ref = vf.get("configMapKeyRef") or vf.get("secretKeyRef")
                table = self.cluster.config_maps if "configMapKeyRef" in vf else self.cluster.secrets
                data = table.get((self.namespace, ref["name"]), {})
                if ref["key"] in data:
                    put(e["name"], data[ref["key"]])
        for k, v in services.items():
            if k not in env:
                put(k, v)
        return [f"{k}={env[k]}" for k in order], env

    def user(self, c, image):
        psc, csc = self.spec.get("securityContext") or {}, c.get("securityContext") or {}
        passwd = [l.split(":") for l in image.get("etc_passwd", "").splitlines() if l.count(":") >= 3]
        groups_db = [l.split(":") for l in image.get("etc_group", "").splitlines() if l.count(":") >= 3]
        uid = csc.get("runAsUser", psc.get("runAsUser"))
        gid = csc.get("runAsGroup", psc.get("runAsGroup"))
        name = None
        if uid is None:
            u = image.get("user", "").split(":")[0]
            if u == "":
                uid = 0
            elif u.isdigit():
                uid = int(u)
            else:
                uid = next(int(p[2]) for p in passwd if p[0] == u)
        entry = next((p for p in passwd if int(p[2]) == uid), None)
        if entry:
            name = entry[0]
        if gid is None:
            gid = int(entry[3]) if entry else 0
        extra = {gid}
        if name:
            extra |= {int(g[2]) for g in groups_db if name in g[3].split(",")}
        if "fsGroup" in psc:
            extra.add(psc["fsGroup"])
        extra |= set(psc.get("supplementalGroups", []))
        return uid, gid, sorted(extra)

    def create_container(self, index):
        c = self.containers()[index]
        image = self.images[c["image"]]
        cid = hexid("container", self.name, c["name"])
        env_list, env = self.kubelet_env(c)
        command = [expand(a, env) for a in c.get("command", [])]
        args = [expand(a, env) for a in c.get("args", [])]
        if c.get("command"):
            argv = command + args
        else:
            argv = image.get("entrypoint", []) + (args if c.get("args") else image.get("cmd", []))
        csc = c.get("securityContext") or {}
        privileged = csc.get("privileged", False)
        caps = list(ALL_CAPS if privileged else DEFAULT_CAPS)
        drop = (csc.get("capabilities") or {}).get("drop", [])
        add = (csc.get("capabilities") or {}).get("add", [])
        if "ALL" in drop:
            caps = []
        caps = [x for x in caps if x[4:] not in drop]
        caps += ["CAP_" + a for a in add if "CAP_" + a not in caps]
        uid, gid, groups = self.user(c, image)
        # containerd: image env, then HOSTNAME, then the CRI env (kubelet's list); TERM for a tty.
        full_env = list(image.get("env") or [DEFAULT_PATH]) + [f"HOSTNAME={self.hostname}"]
        if c.get("tty"):
            full_env.append("TERM=xterm")
        full_env += env_list
        nnp = not privileged and csc.get("allowPrivilegeEscalation", True) is False
        cwd = c.get("workingDir") or image.get("working_dir") or "/"
        process = make_process(argv, full_env, cwd, uid, gid, groups, caps, nnp, bool(c.get("tty")))
        process["_privileged"] = privileged
        mounts, storages = self.mounts(c, cid, privileged)
        anno = self.common_annotations()
        anno.update({
            "io.katacontainers.pkg.oci.bundle_path": f"/run/containerd/io.containerd.runtime.v2.task/k8s.io/{cid}",
            "io.katacontainers.pkg.oci.container_type": "pod_container",
            "io.kubernetes.cri.container-name": c["name"],
            "io.kubernetes.cri.container-type": "container",
            "io.kubernetes.cri.image-name": c["image"],
        })
        sysctls = {s["name"]: s["value"] for s in (self.spec.get("securityContext") or {}).get("sysctls", [])}
        return self.create_request(cid, anno, process, mounts, sysctls, c["image"],
                                   readonly_root=csc.get("readOnlyRootFilesystem", False), storages=storages,
                                   image=image,
                                   pidns=self.spec.get("shareProcessNamespace", False))

    def mounts(self, c, cid, privileged):
        mounts = default_mounts(privileged, with_cgroup=True)
        vms = c.get("volumeMounts") or []
        taken = {vm["mountPath"] for vm in vms}
        term = c.get("terminationMessagePath", "/dev/termination-log")
        # containerd mounts hostname and resolv.conf read-only under a read-only root filesystem.
        ro_root = "ro" if ((c.get("securityContext") or {}).get("readOnlyRootFilesystem")) else "rw"
        kubelet = [("/etc/hosts", "rw"), (term, "rw"), ("/etc/hostname", ro_root), ("/etc/resolv.conf", ro_root)]
        for dest, mode in kubelet:
            if dest not in taken:
                mounts.append({"destination": dest, "options": ["rbind", "rprivate", mode],
                               "source": shared_source(cid, dest), "type_": "bind"})
        mounts.append({"destination": "/dev/shm", "options": ["rbind"], "source": "/run/kata-containers/sandbox/shm",
                       "type_": "bind"})
        sa = "/var/run/secrets/kubernetes.io/serviceaccount"
        if self.spec.get("automountServiceAccountToken", True) and sa not in taken:
            mounts.append({"destination": sa, "options": ["rbind", "rprivate", "ro"],
                           "source": shared_source(cid, sa), "type_": "bind"})
        storages = []
        volumes = {v["name"]: v for v in self.spec.get("volumes") or []}
        for claim in (self.doc.get("spec") or {}).get("volumeClaimTemplates") or []:  # a StatefulSet's PVCs
            volumes[claim["metadata"]["name"]] = {"persistentVolumeClaim": {"claimName": claim["metadata"]["name"]}}
        for n, vm in enumerate(vms):
            vol, dest = volumes[vm["name"]], vm["mountPath"]
            ro = vm.get("readOnly", False)
            prop = {"Bidirectional": "rshared", "HostToContainer": "rslave"}.get(vm.get("mountPropagation"), "rprivate")
            fs_group = (self.spec.get("securityContext") or {}).get("fsGroup", 0)
            kind = "bind"
            if "emptyDir" in vol and (vol["emptyDir"] or {}).get("medium") == "Memory":
                path = f"/run/kata-containers/sandbox/ephemeral/{vm['name']}"
                storages.append({"driver": "ephemeral", "driver_options": [], "source": "tmpfs", "fstype": "tmpfs",
                                 "options": [f"fsgid={fs_group}"] if fs_group > 0 else [], "mount_point": path,
                                 "fs_group": None, "shared": False})
                source = path
            elif "emptyDir" in vol and self.aks_pause is not None:
                # shared-fs: a directory of the sandbox's rootfs in the guest.
                path = f"{SHARED}/{self.sandbox_id}/rootfs/local/{vm['name']}"
                storages.append({"driver": "local", "driver_options": [], "source": "local", "fstype": "local",
                                 "options": ["mode=0777"] + ([f"fsgid={fs_group}"] if fs_group > 0 else []),
                                 "mount_point": path, "fs_group": None, "shared": False})
                source = path
                kind = "local"  # the mount names its storage's driver (as the captured requests show)
            elif "emptyDir" in vol:
                # block-encrypted: a fresh disk per mount, addressed by its PCI path.
                pci = f"{n + 2:02x}/00"
                point = f"{SANDBOX_STORAGE}/{base64.urlsafe_b64encode(pci.encode()).decode()}"
                storages.append({"driver": "blk", "driver_options": ["encryption_key=ephemeral", "create_filesystem"],
                                 "fs_group": {"group_id": fs_group} if fs_group > 0 else None, "fstype": "ext4", "mount_point": point, "options": [],
                                 "source": pci, "shared": True})
                source = point
            elif "hostPath" in vol and vol["hostPath"]["path"].startswith(("/dev/", "/sys/")):
                source = vol["hostPath"]["path"]
            else:
                source = shared_source(cid, dest)
                if any(k in vol for k in ("configMap", "secret", "projected", "downwardAPI")):
                    ro = True
                if (vol.get("persistentVolumeClaim") or {}).get("readOnly"):
                    ro = True
            mounts.append({"destination": dest, "options": ["rbind", prop, "ro" if ro else "rw"], "source": source,
                           "type_": kind})
        image = self.images[c["image"]]
        for v in image.get("volumes") or []:
            d = re.sub("^/+", "/", v)
            if not any(m["destination"] == d for m in mounts):
                mounts.append({"destination": d, "options": ["rbind", "rprivate", "rw"],
                               "source": shared_source(cid, d), "type_": "bind"})
        return mounts, storages

    # ---------------------------------------------------------------- exec and copy

    def exec_request(self, create, argv, terminal=False):
        p = create["OCI"]["Process"]
        return {"container_id": create["container_id"], "exec_id": "5e07bbb0-d06c-402d-b9b7-e6386935b200",
                "process": {"Args": argv, "Capabilities": None, "ConsoleSize": None, "Cwd": p["Cwd"],
                            "Env": [e for e in p["Env"] if e.startswith(("PATH=", "HOSTNAME="))],
                            "NoNewPrivileges": p["NoNewPrivileges"], "OOMScoreAdj": 0, "Rlimits": [],
                            "SelinuxLabel": "", "ApparmorProfile": "", "Terminal": terminal, "User": p["User"]},
                "string_user": None}

    def copy_file(self, create, dest):
        return {"path": shared_source(create["container_id"], dest), "file_type": "Regular",
                "dir_mode": 0o750, "file_mode": 0o644, "file_size": 24, "uid": 0, "gid": 0, "offset": 0,
                "data": base64.b64encode(b"nameserver 10.96.0.10\n").decode()}


def tarfs_storages(image, root):
    """AKS: the host's tardev snapshotter hands each layer over as a tar device with its dm-verity
    root, and the guest's overlay stacks them (top first), named after their OCI chain ids."""
    names, chain = [], None
    for d in image["diff_ids"]:
        chain = d if chain is None else "sha256:" + hashlib.sha256(f"{chain} {d}".encode()).hexdigest()
        names.insert(0, hashlib.sha256(chain.encode()).hexdigest())
    roots = list(reversed(image["tarfs_verity_roots"]))
    hash_opt = "io.katacontainers.fs-opt.root-hash="
    out = [{"driver": "blk", "driver_options": [], "fs_group": None, "fstype": "tar",
            "mount_point": f"/run/kata-containers/sandbox/layers/{n}",
            "options": ["ro", "io.katacontainers.fs-opt.block_device=file", "io.katacontainers.fs-opt.is-layer",
                        hash_opt + r], "source": f"/dev/vd{chr(ord('b') + k)}", "shared": False}
           for k, (n, r) in enumerate(zip(names, roots))]
    layer = "tar,ro,io.katacontainers.fs-opt.block_device=file,io.katacontainers.fs-opt.is-layer," + hash_opt
    out.append({"driver": "overlayfs", "driver_options": [], "fs_group": None, "fstype": "fuse3.kata-overlay",
                "mount_point": root, "source": "none", "shared": False,
                "options": ["io.katacontainers.fs-opt.layer-src-prefix=/var/lib/containerd/"
                            "io.containerd.snapshotter.v1.tardev/layers"] +
                           ["io.katacontainers.fs-opt.layer=" + base64.b64encode(f"{n},{layer}{r}".encode()).decode()
                            for n, r in zip(names, roots)] +
                           ["io.katacontainers.fs-opt.overlay-rw", "lowerdir=" + ":".join(names)]})
    return out


def default_mounts(privileged, with_cgroup):
    sys_mode = "rw" if privileged else "ro"
    out = [
        {"destination": "/proc", "options": ["nosuid", "noexec", "nodev"], "source": "proc", "type_": "proc"},
        {"destination": "/dev", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"], "source": "tmpfs",
         "type_": "tmpfs"},
        {"destination": "/dev/pts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
         "source": "devpts", "type_": "devpts"},
        {"destination": "/dev/mqueue", "options": ["nosuid", "noexec", "nodev"], "source": "mqueue", "type_": "mqueue"},
        {"destination": "/sys", "options": ["nosuid", "noexec", "nodev", sys_mode], "source": "sysfs", "type_": "sysfs"},
    ]
    if with_cgroup:
        out.append({"destination": "/sys/fs/cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", sys_mode],
                    "source": "cgroup", "type_": "cgroup"})
    return out


def make_process(argv, env, cwd, uid, gid, groups, caps, nnp, terminal):
    return {"ApparmorProfile": "", "Args": argv,
            "Capabilities": {"Ambient": [], "Bounding": list(caps), "Effective": list(caps), "Inheritable": [],
                             "Permitted": list(caps)},
            "ConsoleSize": None, "Cwd": cwd, "Env": env, "NoNewPrivileges": nnp, "OOMScoreAdj": -997,
            "Rlimits": [], "SelinuxLabel": "", "Terminal": terminal,
            "User": {"AdditionalGids": groups, "GID": gid, "UID": uid, "Username": ""}}


def json_compact(v):
    import json
    return json.dumps(v, separators=(",", ":"), sort_keys=True)
