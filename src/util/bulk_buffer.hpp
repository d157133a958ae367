#pragma once

// Memory for request bodies, never zeroed before the fill; from 2 MiB on, mapped on demand,
// aligned to and advised for transparent huge pages. A body that large is
// copied by the kernel on every send, and on 4 KiB pages the first copy of each page can cost
// more than the copy itself: on this project's PVM guests the kernel's first touch of a user page
// is a shadow page-table fault (a 64 MiB PUT took 4x longer the first time). Huge pages make that
// 32 faults instead of 16384, and make the fill's own page faults cheaper too.

#include <cstddef>
#include <span>

namespace s3storm {

class BulkBuffer {
 public:
  BulkBuffer() = default;
  explicit BulkBuffer(std::size_t size) { grow_to(size); }
  ~BulkBuffer();
  BulkBuffer(BulkBuffer&& other) noexcept;
  BulkBuffer& operator=(BulkBuffer&& other) noexcept;
  BulkBuffer(const BulkBuffer&) = delete;
  BulkBuffer& operator=(const BulkBuffer&) = delete;

  // At least `size` bytes from then on; the content is kept only when no growth was needed.
  void grow_to(std::size_t size);

  char* data() { return data_; }
  const char* data() const { return data_; }
  std::size_t capacity() const { return capacity_; }
  std::span<char> first(std::size_t size) { return {data_, size}; }

 private:
  void release();

  char* data_ = nullptr;
  std::size_t capacity_ = 0;  // what the caller may use
  void* mapping_ = nullptr;   // from 2 MiB on: what munmap gives back
  std::size_t mapped_ = 0;
};

}  // namespace s3storm
