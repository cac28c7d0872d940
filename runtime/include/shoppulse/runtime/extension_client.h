#pragma once
// The Lambda Extensions API client the runtime uses as its own internal
// extension: register, then event/next. Its own Transport (connection),
// beside the RuntimeClient's: event/next blocks for the sandbox's whole life.

#include <memory>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/runtime/extension_requests.h"
#include "shoppulse/runtime/transport.h"

namespace shoppulse::runtime {

class ExtensionClient {
 public:
  explicit ExtensionClient(std::unique_ptr<Transport> transport);

  // Registers for no events and keeps the identifier Lambda assigned. A
  // platform without the Extensions API answers 404: an error, as is any
  // other refusal.
  Status register_extension(std::string_view name);
  // Blocks, with no timeout, until Lambda sends an event; a shutdown request
  // ends the wait (ErrorKind::kUnavailable, code "aborted"). Only after a
  // successful register_extension().
  Result<ExtensionEventType> next_event();

 private:
  std::unique_ptr<Transport> transport_;
  std::string id_;         // Lambda-Extension-Identifier
  HttpResponse response_;  // storage reused from one answer to the next
};

}  // namespace shoppulse::runtime
