# coco's Kata agent policy rules (policy.md §1.5).
#
# The Kata agent evaluates data.agent_policy.<RequestName> for every request it receives from the
# (untrusted) host. Everything is denied unless a rule below allows it. The per-pod facts come
# from `policy_data`, which coco appends after these rules; its layout is the one upstream
# genpolicy uses (containers[].OCI, storages, exec_commands, common, sandbox, request_defaults),
# with coco's additions: containers[].image (the pinned image), env_patterns and arg_patterns
# (anchored regexes for values the node decides; "$(sandbox-name)" and "$(sandbox-hostname)" in
# them stand for the pod's own name and hostname), apparmor_profiles, and pod (sandbox name,
# namespace, hostname, the services the input defines).
#
# State (data.pstate): CreateSandbox records the hostname, the first CreateContainer the sandbox
# name; every later request must agree with them.
package agent_policy

import future.keywords.every
import future.keywords.if
import future.keywords.in

default AddARPNeighborsRequest := false
default AddSwapRequest := false
default AddSwapPathRequest := false
default CloseStdinRequest := false
default CopyFileRequest := false
default CreateContainerRequest := false
default CreateSandboxRequest := false
default DestroySandboxRequest := true
default ExecProcessRequest := false
default GetDiagnosticDataRequest := false
default GetIPTablesRequest := false
default GetMetricsRequest := false
default GetOOMEventRequest := true
default GuestDetailsRequest := true
default ListInterfacesRequest := false
default ListRoutesRequest := false
default MemAgentMemcgSetRequest := false
default MemAgentCompactSetRequest := false
default MemHotplugByProbeRequest := false
default OnlineCPUMemRequest := true
default PauseContainerRequest := false
default ReadStreamRequest := false
default RemoveContainerRequest := true
default RemoveStaleVirtiofsShareMountsRequest := true
default ReseedRandomDevRequest := false
default ResizeVolumeRequest := false
default ResumeContainerRequest := false
default SetGuestDateTimeRequest := false
default SetIPTablesRequest := false
default SetPolicyRequest := false
default SignalProcessRequest := true
default StartContainerRequest := true
default StartTracingRequest := false
default StatsContainerRequest := true
default StopTracingRequest := false
default TtyWinResizeRequest := true
default UpdateContainerRequest := false
default UpdateEphemeralMountsRequest := false
default UpdateInterfaceRequest := false
default UpdateRoutesRequest := false
default VolumeStatsRequest := false
default WaitProcessRequest := true
default WriteStreamRequest := false

default AllowRequestsFailingPolicy := false

# ---------------------------------------------------------------- placeholders

# containerd's bundle id is the container id; it names the rootfs and the shared files.
bundle_id_ok(id) if regex.match("^[a-z0-9][a-z0-9.-]*$", id)

# Placeholders in policy values: paths from `common` and the ids of this request.
expand(s, bundle_id, sandbox_id) := out if {
	c := policy_data.common
	s1 := replace(s, "$(sfprefix)", c.sfprefix)
	s2 := replace(s1, "$(cpath)", c.cpath)
	s3 := replace(s2, "$(spath)", c.spath)
	s4 := replace(s3, "$(bundle-id)", bundle_id)
	out := replace(s4, "$(sandbox-id)", sandbox_id)
}

# A policy value that starts with "^" once expanded is an anchored regex (a bundle id can only
# carry "." as a metacharacter); anything else must match exactly.
value_matches(p, i, bundle_id, sandbox_id) if {
	literal := expand(p, bundle_id, sandbox_id)
	not startswith(literal, "^")
	literal == i
}

value_matches(p, i, bundle_id, sandbox_id) if {
	pattern := expand(p, replace(bundle_id, ".", "\\."), sandbox_id)
	startswith(pattern, "^")
	regex.match(pattern, i)
}

# A path with a ".." component.
traverses(path) if regex.match(`(^|/)\.\.($|/)`, path)

# ---------------------------------------------------------------- CreateSandbox

CreateSandboxRequest := {"ops": ops, "allowed": true} if {
	hostname := input.hostname
	regex.match(policy_data.pod.hostname, hostname)
	ops := [{"op": "add", "path": "/pstate/sandbox_hostname", "value": hostname}]
	object.get(input, "guest_hook_path", "") == ""
	count(object.get(input, "kernel_modules", [])) == 0
	object.get(input, "sandbox_pidns", false) == false
	every s in object.get(input, "storages", []) {
		some ps in policy_data.sandbox.storages
		sandbox_storage_matches(ps, s)
	}
}

# Runtimes that predate the storage's `shared` field send none: it reads as false.
storage_field(x, k) := object.get(x, k, false) if k == "shared"

storage_field(x, k) := object.get(x, k, null) if k != "shared"

storage_keys := {"driver", "driver_options", "source", "fstype", "options", "mount_point", "fs_group", "shared"}

sandbox_storage_matches(ps, s) if {
	every k in storage_keys {
		storage_field(ps, k) == storage_field(s, k)
	}
	every k, _ in s {
		k in storage_keys
	}
}

# ---------------------------------------------------------------- CreateContainer

CreateContainerRequest := {"ops": ops, "allowed": true} if {
	create_input_is_plain
	bundle_id := input.container_id
	bundle_id_ok(bundle_id)
	# Identical containers may both match; the first one is recorded.
	matching := {i | p := policy_data.containers[i]; container_matches(p, input, bundle_id)}
	count(matching) > 0
	idx := min(matching)
	ops := [
		{"op": "add", "path": concat("", ["/pstate/container_", bundle_id]), "value": idx},
		{"op": "add", "path": "/pstate/sandbox_name", "value": input.OCI.Annotations["io.kubernetes.cri.sandbox-name"]}
	]
}

# The names every request of the pod agrees on: the hostname the sandbox was created with, and
# the sandbox name of its first container (or this one's, for the first).
create_names(s_name) := {"name": s_name, "hostname": data.pstate.sandbox_hostname} if {
	object.get(data.pstate, "sandbox_name", s_name) == s_name
	hostname_agrees(s_name, data.pstate.sandbox_hostname)
}

exec_names := {"name": data.pstate.sandbox_name, "hostname": data.pstate.sandbox_hostname}

# kubelet's hostname is the pod name itself when the manifest sets no other.
hostname_agrees(s_name, hostname) if policy_data.pod.hostname_is_name == false

hostname_agrees(s_name, hostname) if {
	policy_data.pod.hostname_is_name == true
	s_name == hostname
}

# A pattern with the pod's own names in it, escaped (DNS names carry "." as their only metacharacter).
with_names(pattern, names) := replace(
	replace(pattern, "$(sandbox-name)", replace(names.name, ".", "\\.")),
	"$(sandbox-hostname)", replace(names.hostname, ".", "\\.")
)

# Fields no pod needs and a hostile host could use to escape the policy.
create_input_is_plain if {
	count(object.get(input, "shared_mounts", [])) == 0
	object.get(input, "string_user", null) == null
	count(object.get(input, "devices", [])) == 0
	oci := input.OCI
	object.get(oci, "Hooks", null) == null
	object.get(oci, "Solaris", null) == null
	object.get(oci, "Windows", null) == null
	linux := oci.Linux
	count(object.get(linux, "UIDMappings", [])) == 0
	count(object.get(linux, "GIDMappings", [])) == 0
	object.get(linux, "Seccomp", null) == null
	object.get(linux, "IntelRdt", null) == null
	object.get(linux, "MountLabel", "") == ""
	object.get(linux, "RootfsPropagation", "") == ""
	resources := object.get(linux, "Resources", {})
	count(object.get(resources, "Devices", [])) == 0
	object.get(resources, "BlockIO", null) == null
	object.get(resources, "Network", null) == null
	object.get(resources, "Pids", null) == null
	object.get(oci.Process, "SelinuxLabel", "") == ""
	object.get(oci.Process.User, "Username", "") == ""
}

container_matches(p, i, bundle_id) if {
	p.sandbox_pidns == object.get(i, "sandbox_pidns", false)
	p_oci := p.OCI
	i_oci := i.OCI
	p_oci.Version == i_oci.Version
	p_oci.Root.Readonly == i_oci.Root.Readonly
	sandbox_id := i_oci.Annotations["io.kubernetes.cri.sandbox-id"]
	regex.match("^[a-z0-9]{64}$", sandbox_id)
	expand(p_oci.Root.Path, bundle_id, sandbox_id) == i_oci.Root.Path
	annotations_match(p, i_oci.Annotations, bundle_id, sandbox_id)
	names := create_names(i_oci.Annotations["io.kubernetes.cri.sandbox-name"])
	process_matches(p, i_oci.Process, names)
	mounts_match(p_oci.Mounts, i_oci.Mounts, object.get(i, "storages", []), bundle_id, sandbox_id)
	storages_match(p, object.get(i, "storages", []), bundle_id, sandbox_id)
	linux_matches(p_oci.Linux, i_oci.Linux)
}

# ---- annotations

annotations_match(p, i_anno, bundle_id, sandbox_id) if {
	p_anno := p.OCI.Annotations
	i_anno["io.kubernetes.cri.container-type"] == p_anno["io.kubernetes.cri.container-type"]
	i_anno["io.katacontainers.pkg.oci.container_type"] == p_anno["io.katacontainers.pkg.oci.container_type"]
	s_name := i_anno["io.kubernetes.cri.sandbox-name"]
	s_namespace := i_anno["io.kubernetes.cri.sandbox-namespace"]
	regex.match(policy_data.pod.sandbox_name, s_name)
	namespace_matches(s_namespace)
	container_identity_matches(p, i_anno, bundle_id, sandbox_id)
	every k, v in i_anno {
		annotation_allowed(p_anno, k, v, bundle_id, sandbox_id, s_name, s_namespace)
	}
}

namespace_matches(ns) if policy_data.pod.namespace == ns

namespace_matches(ns) if {
	policy_data.pod.namespace == ""
	regex.match(concat("", ["^", policy_data.common.dns_label, "$"]), ns)
}

# The pause container: it is the sandbox, so its id is the sandbox id.
container_identity_matches(p, i_anno, bundle_id, sandbox_id) if {
	p.OCI.Annotations["io.kubernetes.cri.container-type"] == "sandbox"
	bundle_id == sandbox_id
	not i_anno["io.kubernetes.cri.container-name"]
	not i_anno["io.kubernetes.cri.image-name"]
}

# The container name and the pinned image: a guest pull of any other image is denied.
container_identity_matches(p, i_anno, bundle_id, sandbox_id) if {
	p.OCI.Annotations["io.kubernetes.cri.container-type"] == "container"
	i_anno["io.kubernetes.cri.container-name"] == p.OCI.Annotations["io.kubernetes.cri.container-name"]
	i_anno["io.kubernetes.cri.image-name"] == p.image
}

# Keys whose values are checked above or carry only host bookkeeping.
checked_keys := {
	"io.kubernetes.cri.container-type", "io.katacontainers.pkg.oci.container_type",
	"io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.sandbox-namespace",
	"io.kubernetes.cri.container-name", "io.kubernetes.cri.image-name",
	"io.kubernetes.cri.sandbox-uid",
	"io.kubernetes.cri.sandbox-cpu-period", "io.kubernetes.cri.sandbox-cpu-quota",
	"io.kubernetes.cri.sandbox-cpu-shares", "io.kubernetes.cri.sandbox-memory",
	"io.kubernetes.cri.podsandbox.image-name", "io.kubernetes.cri.image-id",
	"io.kubernetes.cri.runtimehandler",
	"io.katacontainers.config.hypervisor.cc_init_data", "io.katacontainers.config.agent.policy",
}

annotation_allowed(p_anno, k, v, bundle_id, sandbox_id, s_name, s_namespace) if k in checked_keys

# Any other key must be in the policy, its value as the policy says (the sandbox name and
# namespace, already checked, may appear in it).
annotation_allowed(p_anno, k, v, bundle_id, sandbox_id, s_name, s_namespace) if {
	not k in checked_keys
	p1 := replace(p_anno[k], "$(sandbox-name)", replace(s_name, ".", "\\."))
	value_matches(replace(p1, "$(sandbox-namespace)", s_namespace), v, bundle_id, sandbox_id)
}

# ---- process

process_matches(p, i_proc, names) if {
	p_proc := p.OCI.Process
	p_proc.Terminal == i_proc.Terminal
	args_match(p, i_proc.Args, names)
	p_proc.NoNewPrivileges == object.get(i_proc, "NoNewPrivileges", false)
	process_identity_matches(p, i_proc, names)
	caps_match(p_proc.Capabilities, i_proc.Capabilities)
}

# What a container and an exec in it share: directory, user, environment and AppArmor profile
# (containerd's on an AppArmor host, none elsewhere, or the one the manifest names).
process_identity_matches(p, i_proc, names) if {
	p_proc := p.OCI.Process
	p_proc.Cwd == i_proc.Cwd
	object.get(i_proc, "ApparmorProfile", "") in object.get(p, "apparmor_profiles", [""])
	p_proc.User.UID == i_proc.User.UID
	p_proc.User.GID == i_proc.User.GID
	{g | some g in p_proc.User.AdditionalGids} == {g | some g in object.get(i_proc.User, "AdditionalGids", [])}
	every e in object.get(i_proc, "Env", []) {
		env_allowed(p, e, names)
	}
}

args_match(p, i_args, names) if {
	p_args := p.OCI.Process.Args
	count(p_args) == count(i_args)
	every n, a in i_args {
		arg_matches(p, n, p_args[n], a, names)
	}
}

arg_matches(p, n, p_arg, a, names) if {
	not p.arg_patterns[sprintf("%d", [n])]
	p_arg == a
}

arg_matches(p, n, p_arg, a, names) if regex.match(with_names(p.arg_patterns[sprintf("%d", [n])], names), a)

# A variable whose value the node decides has an anchored pattern; the others are literal (the
# policy's text for a patterned variable shows upstream placeholders and is never compared).
env_allowed(p, e, names) if {
	e in p.OCI.Process.Env
	not p.env_patterns[split(e, "=")[0]]
}

env_allowed(p, e, names) if {
	name := split(e, "=")[0]
	value := substring(e, count(name) + 1, -1)
	regex.match(with_names(p.env_patterns[name], names), value)
}

# The settings' patterns stand only for variables the policy does not name: not the container's
# own, and not those of a service the input defines (headless ones have none at all).
env_allowed(p, e, names) if {
	name := split(e, "=")[0]
	not env_named(p, name)
	not service_bound(name)
	some r in policy_data.request_defaults.CreateContainerRequest.allow_env_regex
	regex.match(r, e)
}

env_named(p, name) if {
	some x in p.OCI.Process.Env
	startswith(x, concat("", [name, "="]))
}

service_bound(name) if {
	some s in object.get(policy_data.pod, "services", [])
	regex.match(concat("", ["^", s, "_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$"]), name)
}

cap_name(c) := substring(c, 4, -1) if startswith(c, "CAP_")

cap_name(c) := c if not startswith(c, "CAP_")

cap_list(l) := {cap_name(c) | some c in policy_data.common.default_caps} if l == ["$(default_caps)"]

cap_list(l) := {cap_name(c) | some c in policy_data.common.privileged_caps} if l == ["$(privileged_caps)"]

cap_list(l) := {cap_name(c) | some c in l} if {
	l != ["$(default_caps)"]
	l != ["$(privileged_caps)"]
}

caps_match(p_caps, i_caps) if {
	every k in ["Ambient", "Bounding", "Effective", "Inheritable", "Permitted"] {
		cap_list(p_caps[k]) == {cap_name(c) | some c in object.get(i_caps, k, [])}
	}
}

# ---- mounts and storages

mounts_match(p_mounts, i_mounts, i_storages, bundle_id, sandbox_id) if {
	count({m.destination | some m in i_mounts}) == count(i_mounts)
	every m in i_mounts {
		some pm in p_mounts
		mount_matches(pm, m, i_storages, bundle_id, sandbox_id)
	}
}

mount_matches(pm, m, i_storages, bundle_id, sandbox_id) if {
	mount_shape_matches(pm, m)
	pm.source != ""
	value_matches(pm.source, m.source, bundle_id, sandbox_id)
}

# A block emptyDir has no source of its own: it is the mount point of a block storage sent with
# the same request, which storages_match then checks against the policy.
mount_matches(pm, m, i_storages, bundle_id, sandbox_id) if {
	mount_shape_matches(pm, m)
	pm.source == ""
	some s in i_storages
	s.driver in {"blk", "scsi"}
	s.mount_point == m.source
}

mount_shape_matches(pm, m) if {
	pm.destination == m.destination
	pm.type_ == m.type_
	mount_options_match(pm, {o | some o in pm.options}, {o | some o in m.options})
}

mount_options_match(pm, p_opts, i_opts) if p_opts == i_opts

# kubelet shares /etc/hosts read-write; a runtime that mounts it itself makes it read-only under
# readOnlyRootFilesystem. Read-only where the policy allows read-write is stricter: accepted.
mount_options_match(pm, p_opts, i_opts) if {
	pm.type_ == "bind"
	pm.destination == "/etc/hosts"
	"rw" in p_opts
	p_opts - {"rw"} == i_opts - {"ro"}
	"ro" in i_opts
}

# containerd >= 2.0.4 mounts sysfs and cgroup read-only even for a privileged container: stricter
# than the policy's "rw", so accepted.
mount_options_match(pm, p_opts, i_opts) if {
	pm.type_ in {"sysfs", "cgroup"}
	"rw" in p_opts
	p_opts - {"rw"} == i_opts - {"ro"}
	"ro" in i_opts
}

# Unified cgroup v2 on newer kernels adds flags of its own (cluster_config.cgroup_mount_extras_allowed).
mount_options_match(pm, p_opts, i_opts) if {
	pm.type_ == "cgroup"
	p_opts - i_opts == set()
	every o in i_opts - p_opts {
		o in policy_data.cluster_config.cgroup_mount_extras_allowed
	}
}

# The guest pull of the container's image is checked on its own; every other storage must be
# one the policy lists, one for one.
storages_match(p, i_storages, bundle_id, sandbox_id) if {
	pulls := [s | some s in i_storages; s.driver == "image_guest_pull"]
	others := [s | some s in i_storages; s.driver != "image_guest_pull"]
	guest_pulls_match(p, pulls, bundle_id)
	count(others) == count(p.storages)
	every s in others {
		some ps in p.storages
		storage_matches(p, ps, s, bundle_id, sandbox_id)
	}
	every ps in p.storages {
		some s in others
		storage_matches(p, ps, s, bundle_id, sandbox_id)
	}
}

# With guest pull the image is pulled in the guest, exactly the pinned one, into the rootfs.
# The pause container's image is the one built into the guest ("pause"); older runtimes send none.
guest_pulls_match(p, pulls, bundle_id) if {
	policy_data.cluster_config.guest_pull == true
	count(pulls) == 1
	guest_pull_matches(p, pulls[0], bundle_id)
}

guest_pulls_match(p, pulls, bundle_id) if {
	count(pulls) == 0
	p.OCI.Annotations["io.kubernetes.cri.container-type"] == "sandbox"
}

guest_pulls_match(p, pulls, bundle_id) if {
	policy_data.cluster_config.guest_pull != true
	count(pulls) == 0
}

guest_pull_matches(p, s, bundle_id) if {
	guest_pull_source(p) == s.source
	s.fstype == "overlay"
	count(object.get(s, "options", [])) == 0
	object.get(s, "fs_group", null) == null
	object.get(s, "shared", false) == false
	s.mount_point == replace(policy_data.common.root_path, "$(bundle-id)", bundle_id)
}

guest_pull_source(p) := "pause" if p.OCI.Annotations["io.kubernetes.cri.container-type"] == "sandbox"

guest_pull_source(p) := p.image if p.OCI.Annotations["io.kubernetes.cri.container-type"] == "container"

# A fresh disk for a block emptyDir, mounted where the runtime names it after its address.
storage_matches(p, ps, s, bundle_id, sandbox_id) if {
	s.driver in {"blk", "scsi"}
	ps.source == ""
	ps.fstype != "tar"
	block_address_ok(s)
	storage_fields_match(ps, s)
	s.mount_point == replace(replace(ps.mount_point, "$(spath)", policy_data.common.spath), "$(b64_device_id)", base64url.encode(s.source))
}

storage_matches(p, ps, s, bundle_id, sandbox_id) if {
	ps.source != ""
	ps.driver == s.driver
	storage_fields_match(ps, s)
	value_matches(ps.source, s.source, bundle_id, sandbox_id)
	value_matches(ps.mount_point, s.mount_point, bundle_id, sandbox_id)
}

# Host-pulled image layers (AKS): layer K is a tar device, read-only, verified against its
# dm-verity root and mounted under its name; the overlay lists every layer, top first. Names
# and roots come from the policy's overlay storage ($(hashK) and $(layerK) index them).
storage_matches(p, ps, s, bundle_id, sandbox_id) if {
	ps.fstype == "tar"
	s.driver == "blk"
	s.fstype == "tar"
	count(object.get(s, "driver_options", [])) == 0
	object.get(s, "fs_group", null) == null
	layers := tarfs_layers(p)
	k := to_number(trim_suffix(trim_prefix(ps.mount_point, "$(layer"), ")"))
	ps.options == [sprintf("$(hash%d)", [k])]
	s.options == ["ro", "io.katacontainers.fs-opt.block_device=file", "io.katacontainers.fs-opt.is-layer",
		concat("=", ["io.katacontainers.fs-opt.root-hash", layers.roots[k]])]
	s.mount_point == concat("/", ["/run/kata-containers/sandbox/layers", layers.names[k]])
}

storage_matches(p, ps, s, bundle_id, sandbox_id) if {
	ps.driver == "overlayfs"
	s.driver == "overlayfs"
	s.fstype == ps.fstype
	object.get(s, "source", "") in {"", "none"}
	count(object.get(s, "driver_options", [])) == 0
	object.get(s, "fs_group", null) == null
	s.mount_point == expand(ps.mount_point, bundle_id, sandbox_id)
	layers := tarfs_layers(p)
	n := count(layers.names)
	count(s.options) == n + 3
	s.options[0] == "io.katacontainers.fs-opt.layer-src-prefix=/var/lib/containerd/io.containerd.snapshotter.v1.tardev/layers"
	every i, name in layers.names {
		layer_option_matches(s.options[i + 1], name, layers.roots[i])
	}
	s.options[n + 1] == "io.katacontainers.fs-opt.overlay-rw"
	s.options[n + 2] == concat("=", ["lowerdir", concat(":", layers.names)])
}

tarfs_layers(p) := {"names": names, "roots": roots} if {
	some o in p.storages
	o.driver == "overlayfs"
	names := split(o.options[0], ":")
	roots := split(o.options[1], ":")
	count(names) == count(roots)
}

layer_option_matches(option, name, root) if {
	startswith(option, "io.katacontainers.fs-opt.layer=")
	base64.decode(substring(option, count("io.katacontainers.fs-opt.layer="), -1)) == concat(",", [name,
		"tar,ro,io.katacontainers.fs-opt.block_device=file,io.katacontainers.fs-opt.is-layer",
		concat("=", ["io.katacontainers.fs-opt.root-hash", root])])
}

storage_fields_match(ps, s) if {
	ps.driver_options == s.driver_options
	ps.fstype == s.fstype
	ps.options == s.options
	ps.fs_group == object.get(s, "fs_group", null)
	object.get(ps, "shared", false) == object.get(s, "shared", false)
}

block_address_ok(s) if {
	s.driver == "blk"
	regex.match("^[0-9a-f]{2}(/[0-9a-f]{2})*$", s.source)
}

block_address_ok(s) if {
	s.driver == "scsi"
	regex.match("^[0-9]+:[0-9]+$", s.source)
}

# ---- linux

namespace_type(t) := "mount" if t == "mnt"

namespace_type(t) := t if t != "mnt"

linux_matches(p_linux, i_linux) if {
	ignored := {"network", "cgroup", "pid"}
	{namespace_type(n.Type) | some n in p_linux.Namespaces} == {namespace_type(n.Type) | some n in i_linux.Namespaces; not namespace_type(n.Type) in ignored}
	every m in p_linux.MaskedPaths {
		m in i_linux.MaskedPaths
	}
	every r in p_linux.ReadonlyPaths {
		readonly_covered(r, i_linux)
	}
	every d in object.get(i_linux, "Devices", []) {
		some pd in p_linux.Devices
		pd.Path == d.Path
	}
	every k, v in object.get(i_linux, "Sysctl", {}) {
		p_linux.Sysctl[k] == v
	}
}

readonly_covered(r, i_linux) if r in i_linux.ReadonlyPaths

readonly_covered(r, i_linux) if r in i_linux.MaskedPaths

# ---------------------------------------------------------------- Exec

# Only the commands the manifest's probes and hooks run, or those allowed with --allow-exec, as
# the container's user, in its directory, with its environment and no capabilities of its own.
ExecProcessRequest if {
	exec_input_is_plain
	p := exec_container
	input.process.Args in p.exec_commands
	input.process.Terminal == p.OCI.Process.Terminal
	exec_shape_ok(p, input.process)
	process_identity_matches(p, input.process, exec_names)
}

ExecProcessRequest if {
	exec_input_is_plain
	p := exec_container
	exec_allowed_by_settings(input.process.Args)
	exec_shape_ok(p, input.process)
	process_identity_matches(p, input.process, exec_names)
}

# The two shims' exec shapes. The Go shim (kata-qemu-snp, kata-qemu-tdx) sends no capabilities
# and leaves NoNewPrivileges unset (false); runtime-rs sends the container's capabilities and
# its NoNewPrivileges. Anything else (other capabilities, NoNewPrivileges set where the
# container has it clear and capabilities given) is denied.
exec_shape_ok(p, proc) if {
	no_caps(object.get(proc, "Capabilities", null))
	object.get(proc, "NoNewPrivileges", false) in {false, p.OCI.Process.NoNewPrivileges}
}

exec_shape_ok(p, proc) if {
	caps := object.get(proc, "Capabilities", null)
	not no_caps(caps)
	caps_match(p.OCI.Process.Capabilities, caps)
	object.get(proc, "NoNewPrivileges", false) == p.OCI.Process.NoNewPrivileges
}

exec_container := p if {
	idx := data.pstate[concat("", ["container_", input.container_id])]
	p := policy_data.containers[idx]
}

exec_input_is_plain if {
	object.get(input, "string_user", null) == null
	proc := input.process
	object.get(proc, "SelinuxLabel", "") == ""
	object.get(proc.User, "Username", "") == ""
}

no_caps(caps) if caps == null

no_caps(caps) if {
	caps != null
	every k in ["Ambient", "Bounding", "Effective", "Inheritable", "Permitted"] {
		count(object.get(caps, k, [])) == 0
	}
}

exec_allowed_by_settings(argv) if argv in policy_data.request_defaults.ExecProcessRequest.allowed_commands

exec_allowed_by_settings(argv) if {
	some r in policy_data.request_defaults.ExecProcessRequest.regex
	regex.match(r, concat(" ", argv))
}

# ---------------------------------------------------------------- CopyFile

# The runtime copies the files of host volumes (resolv.conf, config maps, secrets and the like)
# into the shared directory, nowhere else, and never through "..".
CopyFileRequest if {
	copy_file_type in {"Regular", "Directory"}
	copy_path_allowed(input.path, "")
}

# A symlink sits below a volume's own directory and points, relatively, inside it.
CopyFileRequest if {
	copy_file_type == "Symlink"
	copy_path_allowed(input.path, ".*/.+")
	target := object.get(input, "symlink_target", object.get(input, "symlink_src", ""))
	target != ""
	not traverses(target)
	not startswith(target, "/")
}

# Newer runtimes name the file type; older ones (as captured) send only the mode, whose S_IFMT
# bits say it, and name a symlink's target symlink_src.
copy_file_type := input.file_type

copy_file_type := mode_type(object.get(input, "file_mode", 0)) if not input.file_type

mode_type(m) := "Regular" if bits.and(m, 61440) == 32768

mode_type(m) := "Directory" if bits.and(m, 61440) == 16384

mode_type(m) := "Symlink" if bits.and(m, 61440) == 40960

copy_path_allowed(path, suffix) if {
	not traverses(path)
	some prefix in policy_data.request_defaults.CopyFileRequest
	regex.match(concat("", [expand(prefix, "[a-z0-9]{64}", "[a-z0-9]{64}"), suffix]), path)
}

# ---------------------------------------------------------------- networking

UpdateInterfaceRequest if {
	d := policy_data.request_defaults.UpdateInterfaceRequest
	i := input.interface
	not i.name in d.forbidden_names
	not object.get(i, "device", "") in d.forbidden_names
	not object.get(i, "hwAddr", "") in d.forbidden_hw_addrs
	flags := object.get(i, "raw_flags", 0)
	bits.and(flags, bits.negate(d.allow_raw_flags)) == 0
}

UpdateRoutesRequest if {
	d := policy_data.request_defaults.UpdateRoutesRequest
	every r in input.routes.Routes {
		not r.device in d.forbidden_device_names
		every re in d.forbidden_source_regex {
			not regex.match(re, object.get(r, "source", ""))
		}
	}
}

AddARPNeighborsRequest if {
	d := policy_data.request_defaults.AddARPNeighborsRequest
	every n in input.neighbors.ARPNeighbors {
		not n.device in d.forbidden_device_names
		object.get(n.toIPAddress, "mask", "") == ""
		every re in d.forbidden_cidrs_regex {
			not regex.match(re, n.toIPAddress.address)
		}
		n.state in d.allowed_states
		bits.or(object.get(n, "flags", 0), 136) == 136  # NTF_PROXY | NTF_ROUTER at most
	}
}

# ---------------------------------------------------------------- streams and the rest

CloseStdinRequest if policy_data.request_defaults.CloseStdinRequest == true

GetDiagnosticDataRequest if policy_data.request_defaults.GetDiagnosticDataRequest == true

ReadStreamRequest if policy_data.request_defaults.ReadStreamRequest == true

WriteStreamRequest if policy_data.request_defaults.WriteStreamRequest == true

UpdateEphemeralMountsRequest if policy_data.request_defaults.UpdateEphemeralMountsRequest == true
