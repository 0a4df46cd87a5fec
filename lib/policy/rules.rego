# coco's Kata agent policy rules (policy.md §1.5).
#
# The Kata agent evaluates data.agent_policy.<RequestName> for every request it receives from the
# (untrusted) host. Everything is denied unless a rule below allows it. The per-pod facts come
# from `policy_data`, which coco appends after these rules; its layout is the one upstream
# genpolicy uses (containers[].OCI, storages, exec_commands, common, sandbox, request_defaults),
# with coco's additions: containers[].image (the pinned image), env_patterns and arg_patterns
# (anchored regexes for values the node decides) and pod (sandbox name, namespace).
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

# The bundle id containerd chooses: a 64-hex id or a name.
bundle_id_regex := "([0-9a-f]{64}|[a-z0-9][a-z0-9.-]*)"

expand(s, sandbox_id) := out if {
	c := policy_data.common
	s1 := replace(s, "$(sfprefix)", c.sfprefix)
	s2 := replace(s1, "$(cpath)", c.cpath)
	s3 := replace(s2, "$(spath)", c.spath)
	s4 := replace(s3, "$(bundle-id)", bundle_id_regex)
	out := replace(s4, "$(sandbox-id)", sandbox_id)
}

# A policy value starting with "^" is an anchored regex; anything else must match exactly.
value_matches(p, i, sandbox_id) if {
	not startswith(p, "^")
	p == i
}

value_matches(p, i, sandbox_id) if {
	startswith(p, "^")
	regex.match(expand(p, sandbox_id), i)
}

# ---------------------------------------------------------------- CreateSandbox

CreateSandboxRequest if {
	object.get(input, "guest_hook_path", "") == ""
	count(object.get(input, "kernel_modules", [])) == 0
	object.get(input, "sandbox_pidns", false) == false
	every s in object.get(input, "storages", []) {
		s in policy_data.sandbox.storages
	}
}

# ---------------------------------------------------------------- CreateContainer

CreateContainerRequest := {"ops": ops, "allowed": true} if {
	create_input_is_plain
	some idx, p in policy_data.containers
	container_matches(p, input)
	ops := [{"op": "add", "path": concat("", ["/pstate/container_", input.container_id]), "value": idx}]
}

# Fields no pod needs and a hostile host could use to escape the policy.
create_input_is_plain if {
	count(object.get(input, "shared_mounts", [])) == 0
	object.get(input, "string_user", null) == null
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
	count(object.get(object.get(linux, "Resources", {}), "Devices", [])) == 0
	object.get(oci.Process, "SelinuxLabel", "") == ""
	object.get(oci.Process.User, "Username", "") == ""
}

container_matches(p, i) if {
	p.sandbox_pidns == object.get(i, "sandbox_pidns", false)
	p_oci := p.OCI
	i_oci := i.OCI
	p_oci.Version == i_oci.Version
	p_oci.Root.Readonly == i_oci.Root.Readonly
	sandbox_id := i_oci.Annotations["io.kubernetes.cri.sandbox-id"]
	regex.match("^[a-z0-9]{64}$", sandbox_id)
	regex.match(concat("", ["^", expand(p_oci.Root.Path, sandbox_id), "$"]), i_oci.Root.Path)
	annotations_match(p, i_oci.Annotations, sandbox_id)
	process_matches(p, i_oci.Process)
	mounts_match(p_oci.Mounts, i_oci.Mounts, sandbox_id)
	storages_match(p.storages, object.get(i, "storages", []), sandbox_id)
	linux_matches(p_oci.Linux, i_oci.Linux)
}

# ---- annotations

annotations_match(p, i_anno, sandbox_id) if {
	p_anno := p.OCI.Annotations
	i_anno["io.kubernetes.cri.container-type"] == p_anno["io.kubernetes.cri.container-type"]
	i_anno["io.katacontainers.pkg.oci.container_type"] == p_anno["io.katacontainers.pkg.oci.container_type"]
	regex.match(policy_data.pod.sandbox_name, i_anno["io.kubernetes.cri.sandbox-name"])
	namespace_matches(i_anno["io.kubernetes.cri.sandbox-namespace"])
	container_identity_matches(p, i_anno)
	every k, v in i_anno {
		annotation_allowed(p_anno, k, v, sandbox_id)
	}
}

namespace_matches(ns) if policy_data.pod.namespace == ns

namespace_matches(ns) if {
	policy_data.pod.namespace == ""
	regex.match(concat("", ["^", policy_data.common.dns_label, "$"]), ns)
}

container_identity_matches(p, i_anno) if {
	p.OCI.Annotations["io.kubernetes.cri.container-type"] == "sandbox"
	not i_anno["io.kubernetes.cri.container-name"]
	not i_anno["io.kubernetes.cri.image-name"]
}

# The container name and the pinned image: a guest pull of any other image is denied.
container_identity_matches(p, i_anno) if {
	p.OCI.Annotations["io.kubernetes.cri.container-type"] == "container"
	i_anno["io.kubernetes.cri.container-name"] == p.OCI.Annotations["io.kubernetes.cri.container-name"]
	i_anno["io.kubernetes.cri.image-name"] == p.image
}

# Keys whose values are checked above or carry only host bookkeeping.
checked_keys := {
	"io.kubernetes.cri.container-type", "io.katacontainers.pkg.oci.container_type",
	"io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.sandbox-namespace",
	"io.kubernetes.cri.container-name", "io.kubernetes.cri.image-name",
	"io.kubernetes.cri.sandbox-uid", "io.kubernetes.cri.sandbox-log-directory",
	"io.kubernetes.cri.sandbox-cpu-period", "io.kubernetes.cri.sandbox-cpu-quota",
	"io.kubernetes.cri.sandbox-cpu-shares", "io.kubernetes.cri.sandbox-memory",
	"io.kubernetes.cri.podsandbox.image-name", "io.kubernetes.cri.image-id",
	"io.kubernetes.cri.runtimehandler", "nerdctl/network-namespace",
	"io.katacontainers.config.hypervisor.cc_init_data", "io.katacontainers.config.agent.policy",
}

annotation_allowed(p_anno, k, v, sandbox_id) if k in checked_keys

annotation_allowed(p_anno, k, v, sandbox_id) if {
	not k in checked_keys
	value_matches(p_anno[k], v, sandbox_id)
}

# ---- process

process_matches(p, i_proc) if {
	p_proc := p.OCI.Process
	p_proc.Terminal == i_proc.Terminal
	p_proc.Cwd == i_proc.Cwd
	p_proc.NoNewPrivileges == i_proc.NoNewPrivileges
	p_proc.User.UID == i_proc.User.UID
	p_proc.User.GID == i_proc.User.GID
	{g | some g in p_proc.User.AdditionalGids} == {g | some g in object.get(i_proc.User, "AdditionalGids", [])}
	args_match(p, i_proc.Args)
	every e in i_proc.Env {
		env_allowed(p, e)
	}
	caps_match(p_proc.Capabilities, i_proc.Capabilities)
}

args_match(p, i_args) if {
	p_args := p.OCI.Process.Args
	count(p_args) == count(i_args)
	every n, a in i_args {
		arg_matches(p, n, p_args[n], a)
	}
}

arg_matches(p, n, p_arg, a) if {
	not p.arg_patterns[sprintf("%d", [n])]
	p_arg == a
}

arg_matches(p, n, p_arg, a) if regex.match(p.arg_patterns[sprintf("%d", [n])], a)

env_allowed(p, e) if {
	e in p.OCI.Process.Env
	not contains(e, "$(")
}

env_allowed(p, e) if {
	name := split(e, "=")[0]
	value := substring(e, count(name) + 1, -1)
	regex.match(p.env_patterns[name], value)
}

env_allowed(p, e) if {
	some r in policy_data.request_defaults.CreateContainerRequest.allow_env_regex
	regex.match(r, e)
}

cap_list(l) := {c | some c in policy_data.common.default_caps} if l == ["$(default_caps)"]

cap_list(l) := {c | some c in policy_data.common.privileged_caps} if l == ["$(privileged_caps)"]

cap_list(l) := {c | some c in l} if {
	l != ["$(default_caps)"]
	l != ["$(privileged_caps)"]
}

caps_match(p_caps, i_caps) if {
	every k in ["Ambient", "Bounding", "Effective", "Inheritable", "Permitted"] {
		cap_list(p_caps[k]) == {c | some c in object.get(i_caps, k, [])}
	}
}

# ---- mounts and storages

mounts_match(p_mounts, i_mounts, sandbox_id) if {
	every m in i_mounts {
		some pm in p_mounts
		mount_matches(pm, m, sandbox_id)
	}
}

mount_matches(pm, m, sandbox_id) if {
	pm.destination == m.destination
	pm.type_ == m.type_
	{o | some o in pm.options} == {o | some o in m.options}
	value_matches(pm.source, m.source, sandbox_id)
}

storages_match(p_storages, i_storages, sandbox_id) if {
	every s in i_storages {
		some ps in p_storages
		storage_matches(ps, s, sandbox_id)
	}
	every ps in p_storages {
		some s in i_storages
		storage_matches(ps, s, sandbox_id)
	}
}

# A guest pull carries host-written metadata in driver_options; the image itself must be the one
# pinned in the policy.
storage_matches(ps, s, sandbox_id) if {
	ps.driver == "image_guest_pull"
	s.driver == "image_guest_pull"
	s.source == ps.source
}

storage_matches(ps, s, sandbox_id) if {
	ps.driver != "image_guest_pull"
	ps.driver == s.driver
	ps.driver_options == s.driver_options
	ps.fstype == s.fstype
	ps.options == s.options
	ps.fs_group == object.get(s, "fs_group", null)
	value_matches(ps.source, s.source, sandbox_id)
	value_matches(ps.mount_point, s.mount_point, sandbox_id)
}

# ---- linux

linux_matches(p_linux, i_linux) if {
	{n.Type | some n in p_linux.Namespaces} == {n.Type | some n in i_linux.Namespaces; n.Type != "network"; n.Type != "cgroup"; n.Type != "pid"}
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

# Only the commands the manifest's probes and hooks run, or those allowed with --allow-exec.
ExecProcessRequest if {
	idx := data.pstate[concat("", ["container_", input.container_id])]
	p := policy_data.containers[idx]
	argv := input.process.Args
	exec_allowed(p, argv)
	count(object.get(input.process.Capabilities, "Ambient", [])) == 0
}

exec_allowed(p, argv) if argv in p.exec_commands

exec_allowed(p, argv) if argv in policy_data.request_defaults.ExecProcessRequest.allowed_commands

exec_allowed(p, argv) if {
	some r in policy_data.request_defaults.ExecProcessRequest.regex
	regex.match(r, concat(" ", argv))
}

# ---------------------------------------------------------------- CopyFile

# The runtime copies /etc/hosts, resolv.conf and the like into the shared directory; nothing else.
CopyFileRequest if {
	not contains(input.path, "/../")
	not endswith(input.path, "/..")
	some prefix in policy_data.request_defaults.CopyFileRequest
	p := replace(expand(prefix, "[a-z0-9]{64}"), "$(bundle-id)", "[a-z0-9]{64}")
	regex.match(concat("", [p, "[^/]+$"]), input.path)
}

# ---------------------------------------------------------------- networking

UpdateInterfaceRequest if {
	i := input.interface
	i.name != "lo"
	object.get(i, "device", "") != "lo"
	every a in object.get(i, "IPAddresses", []) {
		not loopback(a.address)
	}
	object.get(i, "raw_flags", 0) in [0, 128]
}

UpdateRoutesRequest if {
	every r in input.routes.Routes {
		r.device != "lo"
		not loopback(object.get(r, "source", ""))
	}
}

AddARPNeighborsRequest if {
	every n in input.neighbors.ARPNeighbors {
		n.device != "lo"
		not loopback(n.toIPAddress.address)
		object.get(n.toIPAddress, "mask", "") == ""
	}
}

loopback(a) if startswith(a, "127.")

loopback(a) if a == "::1"

# ---------------------------------------------------------------- streams and the rest

CloseStdinRequest if policy_data.request_defaults.CloseStdinRequest == true

ReadStreamRequest if policy_data.request_defaults.ReadStreamRequest == true

WriteStreamRequest if policy_data.request_defaults.WriteStreamRequest == true

UpdateEphemeralMountsRequest if policy_data.request_defaults.UpdateEphemeralMountsRequest == true
