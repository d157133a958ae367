#pragma once

// The engine's LocalTarget served by the embedded S3 target (src/target), for `run` with
// `endpoint: embedded`: the one place where the load engine and the server meet.

#include <memory>

#include "engine/local_target.hpp"

namespace s3storm::target {
class EmbeddedTarget;
}

namespace s3storm::cli {

class EmbeddedLocalTarget final : public engine::LocalTarget {
 public:
  EmbeddedLocalTarget();
  ~EmbeddedLocalTarget() override;

  sigv4::Credentials default_credentials() const override;
  std::string start(const engine::LocalTargetOptions& options,
                    engine::LocalEventSink events) override;
  void stop() override;

 private:
  std::unique_ptr<target::EmbeddedTarget> target_;
};

}  // namespace s3storm::cli
