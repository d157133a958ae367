#include "cli/commands.hpp"

int main(int argc, char** argv) {
  return s3storm::cli::run_app(argc, argv);
}
