#include "oci/source.h"
#include "util/error.h"

namespace coco::oci {
std::unique_ptr<ImageSource> open_registry(const Source& s, const ImageOptions&) {
  fail(s.text, "registry sources are not available yet in this build; use oci:DIR[:TAG]");
}
}  // namespace coco::oci
