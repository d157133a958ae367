#pragma once

// A fixed-size array of zeroed 64-bit slots for a big table read at random, like the key index.
//
// From 2 MiB on, the memory comes straight from mmap: the kernel's fresh pages already read as
// zero, so a new table of tens of MiB costs no fill pass up front, and its pages are faulted in
// as they are first touched, spread over the requests that follow. Such arrays are aligned to
// 2 MiB and marked for transparent huge pages, so a lookup finds its page in the TLB instead of
// walking the page tables, which on a virtual machine costs about as much as the cache miss
// itself. Where the kernel has no huge pages the hint does nothing. Small arrays use calloc.

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>

namespace s3storm::target {

class SlotArray {
 public:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  SlotArray() = default;
  explicit SlotArray(std::size_t count) : size_(count) {
    const std::size_t bytes = count * sizeof(std::uint64_t);
    if (bytes < kHugePage) {
      data_ = static_cast<std::uint64_t*>(std::calloc(count, sizeof(std::uint64_t)));
      if (data_ == nullptr) throw std::bad_alloc();
      return;
    }
    // Over-map by one huge page, then trim both ends so the array starts on a 2 MiB boundary.
    const std::size_t length = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* mapped = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(mapped);
    const std::uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
    if (aligned > start) munmap(mapped, aligned - start);
    const std::size_t tail = start + length + kHugePage - (aligned + length);
    if (tail > 0) munmap(reinterpret_cast<void*>(aligned + length), tail);
    madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
    data_ = reinterpret_cast<std::uint64_t*>(aligned);
    mapped_bytes_ = length;
  }

  SlotArray(SlotArray&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        mapped_bytes_(std::exchange(other.mapped_bytes_, 0)) {}
  SlotArray& operator=(SlotArray&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      mapped_bytes_ = std::exchange(other.mapped_bytes_, 0);
    }
    return *this;
  }
  SlotArray(const SlotArray&) = delete;
  SlotArray& operator=(const SlotArray&) = delete;
  ~SlotArray() { release(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::uint64_t& operator[](std::size_t i) { return data_[i]; }
  std::uint64_t operator[](std::size_t i) const { return data_[i]; }
  const std::uint64_t* data() const { return data_; }

 private:
  void release() {
    if (mapped_bytes_ > 0) {
      munmap(data_, mapped_bytes_);
    } else {
      std::free(data_);
    }
    data_ = nullptr;
    size_ = 0;
    mapped_bytes_ = 0;
  }

  std::uint64_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t mapped_bytes_ = 0;  // 0: from calloc
};

}  // namespace s3storm::target
