#pragma once

// Starts a throwaway nginx (Debian nginx-light) on 127.0.0.1:<free port> for tests and benchmarks:
// config, pid, logs and temp paths all live in a temp dir; `return 200` for every request, the
// request body is read and discarded. Stops (SIGTERM, then SIGKILL) on destruction.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

extern char** environ;

namespace s3storm::http::testing {

class NginxProcess {
 public:
  static constexpr const char* kBinary = "/usr/sbin/nginx";

  static bool available() { return ::access(kBinary, X_OK) == 0; }

  NginxProcess() {
    char pattern[] = "/tmp/s3storm-nginx-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
      port_ = free_port();
      write_config();
      if (start()) break;
      stop();
    }
    if (pid_ <= 0)
      throw std::runtime_error("nginx did not start; see " + (dir_ / "error.log").string());
  }

  ~NginxProcess() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::filesystem::path dir() const { return dir_; }

 private:
  static std::uint16_t free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return probe.local_endpoint().port();
  }

  void write_config() {
    const std::string d = dir_.string();
    std::ofstream conf(dir_ / "nginx.conf");
    conf << "worker_processes 1;\n"
         << "daemon off;\n"
         << "master_process on;\n"
         << "pid " << d << "/nginx.pid;\n"
         << "error_log " << d << "/error.log warn;\n"
         << (::geteuid() == 0 ? "user root;\n" : "") << "events { worker_connections 1024; }\n"
         << "http {\n"
         << "  access_log off;\n"
         << "  client_body_temp_path " << d << "/body;\n"
         << "  proxy_temp_path " << d << "/proxy;\n"
         << "  fastcgi_temp_path " << d << "/fastcgi;\n"
         << "  uwsgi_temp_path " << d << "/uwsgi;\n"
         << "  scgi_temp_path " << d << "/scgi;\n"
         << "  keepalive_requests 1000000;\n"
         << "  keepalive_timeout 60s;\n"
         << "  server {\n"
         << "    listen 127.0.0.1:" << port_ << ";\n"
         << "    client_max_body_size 0;\n"
         << "    location / { return 200 \"ok\\n\"; }\n"
         << "  }\n"
         << "}\n";
  }

  bool start() {
    const std::string prefix = dir_.string() + "/";
    const std::string conf = (dir_ / "nginx.conf").string();
    const char* argv[] = {kBinary, "-p", prefix.c_str(), "-c", conf.c_str(), nullptr};
    if (posix_spawn(&pid_, kBinary, nullptr, nullptr, const_cast<char* const*>(argv), environ) !=
        0) {
      pid_ = -1;
      return false;
    }
    // Ready once the port accepts; give up after 5 s or if nginx exits (e.g. port taken).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      boost::asio::io_context io;
      boost::asio::ip::tcp::socket socket(io);
      boost::system::error_code ec;
      socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
      if (!ec) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 250; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace s3storm::http::testing
