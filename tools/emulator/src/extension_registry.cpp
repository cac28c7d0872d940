#include "extension_registry.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "shoppulse/emulator/ids.h"

namespace shoppulse::emulator {
namespace {

HttpReply forbidden(std::string_view type, const std::string& message) {
  return {403, error_json(type, message)};
}

}  // namespace

ExtensionRegistration ExtensionRegistry::register_extension(std::string_view name, std::string_view body) {
  if (name.empty()) return {{}, forbidden("Extension.InvalidExtensionName", "Empty extension name")};
  // {"events": [...]}; a missing list is no events, anything else malformed is refused.
  const auto request = nlohmann::json::parse(body, nullptr, false);
  const bool well_formed =
      request.is_object() &&
      (!request.contains("events") || request["events"].is_null() ||
       (request["events"].is_array() &&
        std::all_of(request["events"].begin(), request["events"].end(), [](const auto& e) { return e.is_string(); })));
  if (!well_formed) {
    return {{}, forbidden("InvalidRequestFormat", "the body must be {\"events\":[...]} with event type names")};
  }
  bool invoke = false;
  if (request.contains("events") && request["events"].is_array()) {
    for (const auto& event : request["events"]) {
      const std::string type = event.get<std::string>();
      if (type == "INVOKE") {
        invoke = true;
      } else if (type == "SHUTDOWN") {
        // Lambda's rule: an internal extension lives in the runtime's process,
        // which SIGTERM already tells.
        return {{}, forbidden("Extension.InvalidEventType", type + ": ShutdownEventNotSupportedForInternalExtension")};
      } else {
        return {{}, forbidden("Extension.InvalidEventType", type + ": ErrorInvalidEventType")};
      }
    }
  }
  if (closed_) return {{}, forbidden("Extension.RegistrationClosed", "Extension registration closed already")};
  const bool taken = std::any_of(extensions_.begin(), extensions_.end(),
                                 [name](const Extension& extension) { return extension.name == name; });
  if (taken) return {{}, forbidden("Extension.InvalidExtensionState", "Extension with this name already registered")};
  if (extensions_.size() >= kMaxExtensions) {
    return {
        {},
        forbidden("Extension.TooManyExtensions", "Extension limit (" + std::to_string(kMaxExtensions) + ") reached")};
  }
  Extension extension;
  extension.name = std::string(name);
  extension.identifier = make_request_id();
  extension.invoke = invoke;
  extensions_.push_back(std::move(extension));
  return {extensions_.back().identifier, std::nullopt};
}

void ExtensionRegistry::reset() {
  extensions_.clear();
  closed_ = false;
}

bool ExtensionRegistry::all_ready() const noexcept {
  return std::all_of(extensions_.begin(), extensions_.end(),
                     [](const Extension& extension) { return extension.waiting && extension.pending.empty(); });
}

std::optional<HttpReply> ExtensionRegistry::begin_wait(std::string_view identifier) {
  if (identifier.empty()) {
    return forbidden("Extension.MissingExtensionIdentifier", "Missing Lambda-Extension-Identifier header");
  }
  if (!is_uuid_text(identifier)) {
    return forbidden("Extension.InvalidExtensionIdentifier", "Invalid Lambda-Extension-Identifier");
  }
  Extension* extension = find(identifier);
  if (extension == nullptr) {
    return forbidden("Extension.UnknownExtensionIdentifier", "Unknown extension " + std::string(identifier));
  }
  extension->waiting = true;
  return std::nullopt;
}

bool ExtensionRegistry::has_event(std::string_view identifier) const {
  const Extension* extension = find(identifier);
  return extension != nullptr && !extension->pending.empty();
}

std::optional<ExtensionEvent> ExtensionRegistry::take_event(std::string_view identifier) {
  Extension* extension = find(identifier);
  if (extension == nullptr || extension->pending.empty()) return std::nullopt;
  ExtensionEvent event = std::move(extension->pending.front());
  extension->pending.pop_front();
  extension->waiting = false;
  return event;
}

void ExtensionRegistry::on_invoke(const ExtensionEvent& event) {
  for (Extension& extension : extensions_) {
    if (extension.invoke) extension.pending.push_back(event);
  }
}

const ExtensionRegistry::Extension* ExtensionRegistry::find(std::string_view identifier) const {
  const auto found = std::find_if(extensions_.begin(), extensions_.end(), [identifier](const Extension& extension) {
    return extension.identifier == identifier;
  });
  return found == extensions_.end() ? nullptr : &*found;
}

ExtensionRegistry::Extension* ExtensionRegistry::find(std::string_view identifier) {
  return const_cast<Extension*>(std::as_const(*this).find(identifier));
}

}  // namespace shoppulse::emulator
