#include "cli/embedded_local_target.hpp"

#include "target/embedded_target.hpp"

namespace s3storm::cli {

EmbeddedLocalTarget::EmbeddedLocalTarget() = default;
EmbeddedLocalTarget::~EmbeddedLocalTarget() {
  stop();
}

sigv4::Credentials EmbeddedLocalTarget::default_credentials() const {
  return {std::string(target::kDefaultAccessKey), std::string(target::kDefaultSecretKey), ""};
}

std::string EmbeddedLocalTarget::start(const engine::LocalTargetOptions& options,
                                       engine::LocalEventSink events) {
  target_ = std::make_unique<target::EmbeddedTarget>();
  if (events) target_->set_event_sink(std::move(events));
  target::TargetOptions target_options;
  target_options.region = options.region;
  target_options.seed = options.seed;
  target_options.emit_unconfigured = options.notify_unconfigured;
  target_options.credentials = {
      {options.credentials.access_key_id, options.credentials.secret_access_key}};
  target_->start(target_options);
  return target_->endpoint();
}

void EmbeddedLocalTarget::stop() {
  if (target_) target_->stop();
  target_.reset();
}

}  // namespace s3storm::cli
