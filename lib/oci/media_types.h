// SPDX-License-Identifier: Apache-2.0
// Media types coco recognises (plumbing.md §1.1 table; OCI image-spec media-types.md; Docker
// image manifest v2 schema 2).
#pragma once

namespace coco::oci {

inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr const char* kDockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";

inline constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";

inline constexpr const char* kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* kOciLayerNondist = "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr const char* kOciLayerNondistGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr const char* kOciLayerNondistZstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
inline constexpr const char* kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* kDockerLayerForeignGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

// The Accept list sent on every manifest request (plumbing.md §1.1): without the OCI types
// distribution 2.8 answers 404, without the Docker ones it down-converts to schema 1.
inline constexpr const char* kManifestAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

}  // namespace coco::oci
