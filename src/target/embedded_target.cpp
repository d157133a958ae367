#include "target/embedded_target.hpp"

#include <stdexcept>

#include "http/server.hpp"
#include "target/authenticator.hpp"
#include "target/event_router.hpp"
#include "target/object_store.hpp"
#include "target/s3_handler.hpp"

namespace s3storm::target {

// Members in dependency order: the server (declared last) stops first, then the dispatcher.
struct EmbeddedTarget::Impl {
  explicit Impl(TargetOptions options, EventSink sink)
      : opts(std::move(options)),
        store(opts.discard),
        auth(AuthOptions{opts.credentials, std::chrono::seconds(15 * 60), {}, opts.anonymous}),
        faults(opts.faults, opts.seed),
        dispatcher(dispatcher_options(opts, std::move(sink))),
        router(store, dispatcher, faults, opts.emit_unconfigured || !opts.notify_url.empty(),
               opts.region),
        handler(store, auth, router, faults, HandlerOptions{opts.virtual_host_suffix, "s3storm"}),
        server(server_options(opts),
               [this](http::ServerRequest& request, http::ServerResponse& response) {
                 handler.handle(request, response);
               }) {}

  static DispatcherOptions dispatcher_options(const TargetOptions& options, EventSink sink) {
    DispatcherOptions out;
    out.notify_url = options.notify_url;
    out.sink = std::move(sink);
    out.connections = options.notify_connections;
    out.batch = options.notify_batch;
    out.queue_limit_bytes = options.event_queue_bytes;
    return out;
  }

  http::ServerOptions server_options(const TargetOptions& options) {
    http::ServerOptions out;
    out.address = options.address;
    out.port = options.port;
    out.threads = options.threads;  // a delay fault waits on a timer, not on a thread
    out.body_limit = options.body_limit;
    out.unauthenticated_body_limit = options.unauthenticated_body_limit;
    out.body_budget = options.body_budget;
    out.check_header = [this](const http::ServerRequest& request, http::ServerResponse& response) {
      return handler.check_header(request, response);
    };
    out.answer_refusal = [this](const http::ServerRequest& request,
                                http::ServerResponse& response) {
      handler.answer_refusal(request, response);
    };
    return out;
  }

  TargetOptions opts;
  ObjectStore store;
  Authenticator auth;
  FaultInjector faults;
  EventDispatcher dispatcher;
  EventRouter router;
  S3Handler handler;
  http::Server server;
};

EmbeddedTarget::EmbeddedTarget() = default;

EmbeddedTarget::~EmbeddedTarget() {
  stop();
}

void EmbeddedTarget::set_event_sink(EventSink sink) {
  sink_ = std::move(sink);
}

void EmbeddedTarget::start(TargetOptions options) {
  if (impl_) throw std::logic_error("EmbeddedTarget already started");
  auto impl = std::make_unique<Impl>(std::move(options), sink_);
  impl->dispatcher.start();
  impl->server.start();
  impl_ = std::move(impl);
}

void EmbeddedTarget::stop() {
  if (!impl_) return;
  impl_->server.stop();      // no new events after this
  impl_->dispatcher.stop();  // deliver what is queued
}

std::uint16_t EmbeddedTarget::port() const {
  return impl_ ? impl_->server.port() : 0;
}

std::string EmbeddedTarget::endpoint() const {
  if (!impl_) return {};
  const std::string& address = impl_->server.address();
  const bool v6 = address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port());
}

TargetCounters EmbeddedTarget::counters() const {
  TargetCounters out;
  if (!impl_) return out;
  const HandlerCounters handler = impl_->handler.counters();
  out.requests = handler.requests;
  out.errors = handler.errors;
  out.injected_slow_down = handler.injected_slow_down;
  out.injected_resets = handler.injected_resets;
  out.injected_delays = handler.injected_delays;
  out.injected_body_corruptions = handler.injected_body_corruptions;
  out.events_emitted = impl_->router.emitted();
  out.events_dropped_by_fault = impl_->router.dropped_by_fault();
  out.events_duplicated_by_fault = impl_->router.duplicated_by_fault();
  out.events_corrupted_by_fault = impl_->router.corrupted_by_fault();
  out.events_reordered_by_fault = impl_->router.reordered_by_fault();
  out.events_delayed_by_fault = impl_->router.delayed_by_fault();
  const http::ServerCounters server = impl_->server.counters();
  out.refused_at_header = server.refused_at_header;
  out.rejected_too_large = server.rejected_too_large;
  out.rejected_over_budget = server.rejected_over_budget;
  out.body_bytes_peak = server.body_bytes_peak;
  out.delivery = impl_->dispatcher.counters();
  return out;
}

}  // namespace s3storm::target
