// SPDX-License-Identifier: Apache-2.0
// Image references as users write them, normalised as Docker does (plumbing.md §1.1 step 1;
// distribution/reference "normalize.go" grammar): `nginx` → docker.io/library/nginx:latest,
// `localhost:5000/x`, `ghcr.io/org/app@sha256:…`. And the source prefixes coco accepts:
// `docker://REF` (the default), `oci:DIR[:TAG]`, `docker-archive:FILE[:REF]`, `oci-archive:FILE[:TAG]`,
// `dir:DIR` (skopeo's directory: manifest.json, blobs named by hex digest, version). Other
// containers/image transports (containers-storage:, docker-daemon:, …) and bare local paths are
// usage errors that say what to write instead, before any network traffic.
#pragma once
#include <optional>
#include <string>

namespace coco::oci {

struct Reference {
  std::string domain;      // "docker.io", "ghcr.io", "localhost:5000"
  std::string path;        // "library/nginx"
  std::string tag;         // "" when only a digest was given
  std::string digest;      // "sha256:…" or ""
  std::string name() const;          // domain/path, the familiar "repo" part
  std::string api_host() const;      // registry-1.docker.io for docker.io
  std::string str() const;           // name[:tag][@digest]
  std::string pinned(const std::string& d) const { return name() + "@" + d; }
};

// Throws coco::Error (Failure) naming the text on a malformed reference.
Reference parse_reference(const std::string& text);

enum class SourceKind { Registry, OciLayout, DockerArchive, OciArchive, Dir };
struct Source {
  SourceKind kind = SourceKind::Registry;
  std::string text;   // as the user wrote it
  std::string path;   // DIR or FILE for local sources
  std::string ref;    // registry reference, tag (oci:, oci-archive:) or REF (docker-archive:)
};
Source parse_source(const std::string& text);
std::string source_kind_name(SourceKind k);  // "registry", "oci", "docker-archive", "oci-archive", "dir"

}  // namespace coco::oci
