#pragma once

// The target's request handler: fault injection, routing to the S3 operation, SigV4
// verification, the store, S3's XML answers and errors, and the event each notifying operation
// triggers. Called by http::Server, from any of its threads.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/server.hpp"
#include "target/authenticator.hpp"
#include "target/event_router.hpp"
#include "target/fault_spec.hpp"
#include "target/object_store.hpp"
#include "target/request_target.hpp"
#include "target/s3_error.hpp"

namespace s3storm::target {

struct HandlerOptions {
  // Host "<bucket>.<suffix>[:port]" addresses a bucket virtual-hosted style.
  std::string virtual_host_suffix = "localhost";
  std::string owner = "s3storm";
};

struct HandlerCounters {
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;  // answered with an S3 error document (injected SlowDown included)
  std::uint64_t injected_slow_down = 0;
  std::uint64_t injected_resets = 0;
  std::uint64_t injected_delays = 0;
  std::uint64_t injected_body_corruptions = 0;  // GET bodies changed by a body-corrupt fault
};

class S3Handler {
 public:
  S3Handler(ObjectStore& store, const Authenticator& auth, EventRouter& events,
            FaultInjector& faults, HandlerOptions options)
      : store_(store),
        auth_(auth),
        events_(events),
        faults_(faults),
        options_(std::move(options)) {}

  // May change the request: an aws-chunked body is decoded in place.
  void handle(http::ServerRequest& request, http::ServerResponse& response);

  // http::ServerOptions::check_header: the route and the signature from the header alone, so a
  // request that will be refused is refused before its body is read (an S3 error document in
  // `response`). A form POST and an anonymous request (serve --anonymous) are read as
  // unauthenticated. handle() still checks everything, the body's hash included.
  http::BodyAdmission check_header(const http::ServerRequest& request,
                                   http::ServerResponse& response);
  // http::ServerOptions::answer_refusal: S3's 503 SlowDown, or EntityTooLarge under a 413.
  void answer_refusal(const http::ServerRequest& request, http::ServerResponse& response);

  HandlerCounters counters() const;

 private:
  struct Context;
  // Counts the request and sets the headers every answer has; returns its id (in `digits`).
  std::string_view begin(http::ServerResponse& response, std::array<char, 16>& digits);
  void answer_error(const http::ServerRequest& request, http::ServerResponse& response,
                    const RequestTarget& target, std::string_view request_id, const S3Error& error);
  void dispatch(Context& context);

  void put_object(Context& context);
  void copy_object(Context& context);
  void get_object(Context& context, bool head);
  void delete_object(Context& context);
  void delete_objects(Context& context);
  void put_object_tagging(Context& context, bool remove);
  void get_object_tagging(Context& context);
  void list_object_versions(Context& context);
  void post_object(Context& context);
  void list_objects(Context& context, bool v2);
  void complete_upload(Context& context);

  // `version_id`: the event's s3.object.versionId, empty for none.
  void notify(Context& context, std::string_view event_name, const std::string& key,
              const ObjectInfo* object, std::string_view version_id = {});
  EventDetails event_for(const Context& context, std::string_view event_name,
                         const std::string& key, std::string_view version_id) const;

  ObjectStore& store_;
  const Authenticator& auth_;
  EventRouter& events_;
  FaultInjector& faults_;
  const HandlerOptions options_;

  std::atomic<std::uint64_t> next_request_id_{1};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::uint64_t> slow_downs_{0};
  std::atomic<std::uint64_t> resets_{0};
  std::atomic<std::uint64_t> delays_{0};
  std::atomic<std::uint64_t> body_corruptions_{0};
};

}  // namespace s3storm::target
