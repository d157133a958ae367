// What one system call costs on this machine, before it does any work: the floor under every
// recv, send and epoll_wait the webhook receiver makes per event (bench/ingest.sh --syscalls).
//   cmake --build --preset release --target syscall_floor && build/release/bench/syscall_floor
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <ctime>

namespace {

// This thread's CPU time, not the wall clock: on a shared machine the wall clock counts the time
// other processes held the core.
double thread_cpu_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

template <typename Call>
double nanoseconds_per_call(Call call) {
  constexpr int kCalls = 1'000'000;
  const double start = thread_cpu_ns();
  for (int i = 0; i < kCalls; ++i) call();
  return (thread_cpu_ns() - start) / kCalls;
}

}  // namespace

int main() {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) return 1;
  const int poller = ::epoll_create1(0);
  std::array<char, 128> buffer{};
  std::array<epoll_event, 64> ready{};
  std::printf("getppid: %.0f ns\n", nanoseconds_per_call([] { (void)::getppid(); }));
  std::printf("recv finding nothing (EAGAIN): %.0f ns\n", nanoseconds_per_call([&] {
                (void)::recv(pair[0], buffer.data(), buffer.size(), MSG_DONTWAIT);
              }));
  std::printf("epoll_wait(0), nothing ready: %.0f ns\n", nanoseconds_per_call([&] {
                (void)::epoll_wait(poller, ready.data(), static_cast<int>(ready.size()), 0);
              }));
  ::close(poller);
  ::close(pair[0]);
  ::close(pair[1]);
  return 0;
}
