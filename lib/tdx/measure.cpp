// SPDX-License-Identifier: Apache-2.0
#include "tdx/measure.h"

#include <filesystem>

#include "firmware/tdvf.h"
#include "pe/pe_file.h"
#include "tdx/qemu_kernel.h"
#include "tdx/td_hob.h"
#include "tdx/varstore.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::tdx {
namespace {

using firmware::guid;

constexpr firmware::Guid kEfiGlobalVariable = guid("8be4df61-93ca-11d2-aa0d-00e098032b8c");
constexpr firmware::Guid kImageSecurityDatabase = guid("d719b2cb-3d3a-4596-a3bc-dad00e67656f");
// OVMF's firmware volume and the applications its default boot options point to.
constexpr firmware::Guid kOvmfDxeFv = guid("7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1");
constexpr firmware::Guid kUiApp = guid("462caa21-7614-4503-836e-8ab6f4662331");
constexpr firmware::Guid kBootManagerMenuApp = guid("eec25bdc-67f2-4d95-b1d5-f81b2039d11d");
constexpr std::uint32_t kLoadOptionActive = 0x1, kLoadOptionHidden = 0x8, kLoadOptionCategoryApp = 0x100;
// edk2-stable202505's EV_EFI_VARIABLE_AUTHORITY event in RTMR0: observed in dstack 0.5.10 logs
// (specs/tdx.md §2.2 item 7), not derivable from the inputs.
constexpr const char* kAuthority202505 =
    "fb66919801f1dfc9c4c273b6a739380790cb0fd3cb706a42f6ac050510ebc8618e7fba53a1564522f5c6f0dc9e1f41a6";

ByteVec sha384(Bytes b) { return digest(Algo::Sha384, b); }
ByteVec sha384(std::string_view s) { return digest(Algo::Sha384, s); }

Event ev(int rtmr, std::uint32_t type, std::string description, std::optional<ByteVec> digest) {
  return Event{rtmr, type, std::move(description), std::move(digest)};
}

Event separator(int rtmr) {
  const std::uint8_t zero[4] = {};
  return ev(rtmr, kEvSeparator, "separator", sha384(Bytes(zero)));
}

Event variable(const char* name, const firmware::Guid& vendor) {
  return ev(0, kEvEfiVariableDriverConfig, std::string(name) + " (not enrolled)", sha384(uefi_variable_data(vendor, name, {})));
}

Event boot_variable(const std::string& name, Bytes data, const std::string& what) {
  return ev(0, kEvEfiVariableBoot, name + " " + what, sha384(data));
}

ByteVec load_option(std::uint32_t attributes, std::string_view description, std::initializer_list<ByteVec> nodes) {
  ByteVec path;
  for (const auto& n : nodes) append(path, n);
  append(path, device_path_end());
  return efi_load_option(attributes, description, path);
}

// The three QEMU ACPI blobs: a digest per blob found in `dir`, nullopt for each missing one.
std::vector<Event> acpi_events(const std::string& dir, std::vector<std::string>& notes) {
  std::vector<Event> out;
  std::vector<std::string> missing;
  for (const auto& blob : acpi_blob_names()) {
    std::optional<ByteVec> d;
    if (!dir.empty())
      for (const char* file : blob.files)
        if (const auto path = (std::filesystem::path(dir) / file).string(); file_exists(path)) {
          d = digest_file(Algo::Sha384, path);
          break;
        }
    if (!d) missing.push_back(std::string(blob.fw_cfg) + " (" + blob.files[0] + " or " + blob.files[1] + ")");
    out.push_back(ev(0, kEvPlatformConfigFlags, std::string("ACPI DATA: ") + blob.fw_cfg + (d ? "" : " (not supplied)"), d));
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    notes.push_back("RTMR0 is not computable: " +
                    (dir.empty() ? std::string("no --acpi-tables DIR given; it needs ")
                                 : "--acpi-tables " + dir + " lacks ") +
                    list +
                    ". These are the fw_cfg files QEMU serves for this VM shape; capture them in a guest booted the "
                    "same way from /sys/firmware/qemu_fw_cfg/by_name/etc/…/raw");
  }
  return out;
}

// The secure-boot events are modelled for a store without SecureBoot/PK/KEK/db/dbx: refuse an
// image whose CFV sets them instead of printing an RTMR0 that cannot be right.
void check_variable_store(const Reader& cfv, std::vector<std::string>& notes) {
  const auto vars = live_variables(cfv);
  if (!vars) {
    notes.push_back("the CFV holds no variable store coco recognises; RTMR0 assumes Secure Boot is not enrolled");
    return;
  }
  for (const auto& v : *vars) {
    const bool global = v.vendor == kEfiGlobalVariable, security = v.vendor == kImageSecurityDatabase;
    if ((global && (v.name == "PK" || v.name == "KEK" || v.name == "SecureBoot")) ||
        (security && (v.name == "db" || v.name == "dbx")) || v.name == "SecureBootEnable")
      cfv.fail(v.offset - cfv.base(), "the variable store sets " + v.name +
                                          ": coco models RTMR0 for firmware without enrolled Secure Boot keys "
                                          "(use a TDX OVMF build with a blank variable store)");
  }
}

void rtmr0_events(const Reader& image, const firmware::TdvfMetadata& meta, const MeasureInputs& in,
                  std::vector<Event>& events, std::vector<std::string>& notes) {
  const OvmfLayout layout = in.profile.ovmf_layout;
  const TdHob hob = build_td_hob(meta, in.memory, image.name());
  events.push_back(ev(0, kEvEfiHandoffTables2,
                      "TD HOB (TdxTable at " + hex_number(hob.base) + ", " + memory_size_text(in.memory) + " RAM, " +
                          std::to_string(hob.ranges.size()) + " resource descriptors)",
                      sha384(hob.measured)));
  const firmware::TdvfSection* cfv = meta.first(firmware::TdvfSectionType::Cfv);
  if (cfv == nullptr) fail(image.name(), "TDVF metadata has no CFV section (the variable store OVMF measures into RTMR0)");
  check_variable_store(image.sub(cfv->data_offset, cfv->raw_data_size), notes);
  events.push_back(ev(0, kEvEfiPlatformFirmwareBlob2,
                      "CFV (variable store, file " + hex_number(cfv->data_offset) + "+" + hex_number(cfv->raw_data_size) + ")",
                      sha384(image.bytes(cfv->data_offset, cfv->raw_data_size))));
  if (layout == OvmfLayout::Y2025) {
    const std::uint8_t boot_menu[2] = {0, 0};
    events.push_back(ev(0, kEvPlatformConfigFlags, "fw_cfg BootMenu (00 00)", sha384(Bytes(boot_menu))));
    static constexpr char kLinuxboot[] = "/rom@genroms/linuxboot_dma.bin";
    events.push_back(ev(0, kEvPlatformConfigFlags, "fw_cfg bootorder (/rom@genroms/linuxboot_dma.bin)",
                        sha384(Bytes(reinterpret_cast<const std::uint8_t*>(kLinuxboot), sizeof kLinuxboot))));
  }
  events.push_back(variable("SecureBoot", kEfiGlobalVariable));
  events.push_back(variable("PK", kEfiGlobalVariable));
  events.push_back(variable("KEK", kEfiGlobalVariable));
  events.push_back(variable("db", kImageSecurityDatabase));
  events.push_back(variable("dbx", kImageSecurityDatabase));
  events.push_back(separator(0));
  for (auto& e : acpi_events(in.acpi_dir, notes)) events.push_back(std::move(e));
  if (layout == OvmfLayout::Y2025) {
    events.push_back(ev(0, kEvEfiVariableAuthority,
                        "variable authority (edk2-stable202505 constant observed in dstack 0.5.10 logs)",
                        from_hex(kAuthority202505)));
    notes.push_back("the 2025 OVMF layout's EV_EFI_VARIABLE_AUTHORITY digest is a constant observed in dstack 0.5.10 "
                    "event logs, not derived from the firmware: check it against a log of your firmware");
    const std::uint8_t order[4] = {0, 0, 1, 0};
    events.push_back(boot_variable("BootOrder", Bytes(order), "(0000, 0001)"));
    events.push_back(boot_variable(
        "Boot0000",
        load_option(kLoadOptionActive | kLoadOptionHidden | kLoadOptionCategoryApp, "BootManagerMenuApp",
                    {device_path_fv(kOvmfDxeFv), device_path_fv_file(kBootManagerMenuApp)}),
        "(BootManagerMenuApp)"));
    events.push_back(boot_variable(
        "Boot0001",
        load_option(kLoadOptionActive | kLoadOptionCategoryApp, "EFI Firmware Setup",
                    {device_path_fv(kOvmfDxeFv), device_path_fv_file(kUiApp)}),
        "(EFI Firmware Setup)"));
  } else {
    const std::uint8_t order[2] = {0, 0};
    events.push_back(boot_variable("BootOrder", Bytes(order), "(0000)"));
    events.push_back(boot_variable(
        "Boot0000",
        load_option(kLoadOptionActive | kLoadOptionHidden | kLoadOptionCategoryApp, "UiApp",
                    {device_path_fv(kOvmfDxeFv), device_path_fv_file(kUiApp)}),
        "(UiApp)"));
  }
  if (layout == OvmfLayout::Legacy) events.push_back(separator(0));  // ReadyToBoot, before edk2 PR #6051
}

void rtmr1_events(const MeasureInputs& in, std::optional<std::uint64_t> initrd_size, std::vector<Event>& events) {
  const pe::PeFile kernel(in.kernel);  // headers now, the hashed ranges streamed in order
  ByteVec head;
  std::string how = "as the file is";
  if (in.profile.kernel_header == KernelHeader::QemuRewrite) {
    head = qemu_patched_head(kernel.headers(), {in.append, initrd_size, q35_ram_split(in.memory).below_4g});
    how = "setup header as QEMU < 10.2 rewrites it";
  }
  events.push_back(ev(1, kEvEfiBootServicesApplication,
                      "kernel " + std::filesystem::path(in.kernel).filename().string() + " (Authenticode, " + how + ")",
                      kernel.authenticode_hash(Algo::Sha384, head)));
  events.push_back(ev(1, kEvEfiAction, "Calling EFI Application from Boot Option", sha384("Calling EFI Application from Boot Option")));
  if (in.profile.ovmf_layout != OvmfLayout::Legacy) events.push_back(separator(1));
  events.push_back(ev(1, kEvEfiAction, "Exit Boot Services Invocation", sha384("Exit Boot Services Invocation")));
  events.push_back(ev(1, kEvEfiAction, "Exit Boot Services Returned with Success",
                      sha384("Exit Boot Services Returned with Success")));
}

void rtmr2_events(const MeasureInputs& in, const ByteVec& initrd_sha384, std::vector<Event>& events) {
  // OVMF's LoadOptions: the -append text, " initrd=initrd" when QEMU has an initrd, NUL.
  std::string options = in.append;
  if (!in.initrd.empty()) options += " initrd=initrd";
  if (!options.empty())
    events.push_back(ev(2, kEvEventTag, "LOADED_IMAGE::LoadOptions \"" + options + "\"", sha384(char16_widen(options, true))));
  if (!in.initrd.empty())
    events.push_back(ev(2, kEvEventTag, "Linux initrd " + std::filesystem::path(in.initrd).filename().string(),
                        initrd_sha384));
}

}  // namespace

const std::vector<AcpiBlobName>& acpi_blob_names() {
  static const std::vector<AcpiBlobName> kNames = {
      {"etc/table-loader", {"table-loader", "table_loader.bin"}},
      {"etc/acpi/rsdp", {"rsdp", "rsdp.bin"}},
      {"etc/acpi/tables", {"tables", "acpi_tables.bin"}},
  };
  return kNames;
}

Measurement measure_tdx(const MeasureInputs& in) {
  Measurement m;
  const MappedFile fw(in.firmware);
  const Reader image = fw.reader(in.firmware);
  const firmware::TdvfMetadata meta = firmware::parse_tdvf_metadata(image);
  m.firmware_sha256 = to_hex(digest(Algo::Sha256, image.data()));
  m.mrtd = compute_mrtd(image, meta, in.profile.page_add_order, &m.mrtd_stats);

  if (in.kernel.empty()) {
    m.notes.push_back("RTMR0-2 model QEMU direct boot (-kernel); without --kernel only MRTD is computed");
    m.rtmr = {std::nullopt, std::nullopt, std::nullopt, ByteVec(kSha384Size, 0)};
    return m;
  }
  // One pass over the initrd gives its size (for the kernel header) and its digest, so a FIFO or
  // <(…) works and an endless input stops at the size limit (util/file.h).
  std::optional<std::uint64_t> initrd_size;
  ByteVec initrd_sha384;
  if (!in.initrd.empty()) {
    Hasher h(Algo::Sha384);
    initrd_size = for_each_chunk(in.initrd, [&](Bytes b) {
      if (in.profile.cmdline_measured) h.update(b);
    });
    if (in.profile.cmdline_measured) initrd_sha384 = h.finish();
  }
  rtmr0_events(image, meta, in, m.events, m.notes);
  rtmr1_events(in, initrd_size, m.events);
  if (in.profile.cmdline_measured) rtmr2_events(in, initrd_sha384, m.events);
  else m.notes.push_back("RTMR2 stays zero: guest kernels before 6.9 do not measure the command line and initrd");
  m.rtmr = fold(m.events);
  return m;
}

Json to_json(const Profile& p) {
  return {{"name", p.name},
          {"description", p.description},
          {"page_add_order", to_string(p.page_add_order)},
          {"ovmf_layout", to_string(p.ovmf_layout)},
          {"kernel_header", to_string(p.kernel_header)},
          {"cmdline_measured", p.cmdline_measured}};
}

Json to_json(const Measurement& m, const MeasureInputs& in) {
  Json rtmr = Json::array();
  for (const auto& r : m.rtmr) rtmr.push_back(r ? Json(to_hex(*r)) : Json(nullptr));
  auto path_or_null = [](const std::string& p) { return p.empty() ? Json(nullptr) : Json(p); };
  Json inputs = {{"firmware", in.firmware},
                 {"firmware_sha256", m.firmware_sha256},
                 {"kernel", path_or_null(in.kernel)},
                 {"initrd", path_or_null(in.initrd)},
                 {"append", in.append},
                 {"memory", memory_size_text(in.memory)},
                 {"memory_bytes", in.memory},
                 {"vcpus", in.vcpus},
                 {"acpi_tables", path_or_null(in.acpi_dir)}};
  Json events = Json::array();
  for (const auto& e : m.events)
    events.push_back({{"register", e.rtmr},
                      {"type", event_type_name(e.type)},
                      {"description", e.description},
                      {"digest", e.digest ? Json(to_hex(*e.digest)) : Json(nullptr)}});
  return {{"mrtd", to_hex(m.mrtd)}, {"rtmr", rtmr},     {"profile", to_json(in.profile)},
          {"inputs", inputs},       {"events", events}, {"notes", m.notes}};
}

}  // namespace coco::tdx
