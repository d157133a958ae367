#pragma once

// An allocator for big arrays read at random, like the key index's slot table: from a few MiB
// on, the memory is aligned to 2 MiB and marked for transparent huge pages. A lookup in a table of
// tens of MiB then finds its page in the TLB instead of walking the page tables, which on a
// virtual machine cost about as much as the cache miss itself. Where the kernel has no huge pages
// the hint does nothing. Small arrays come from malloc as usual.

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace s3storm::target {

template <typename T>
struct HugePageAllocator {
  using value_type = T;

  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(std::size_t count) {
    const std::size_t bytes = count * sizeof(T);
    void* memory = nullptr;
    if (bytes >= kHugePage) {
      memory = std::aligned_alloc(kHugePage, (bytes + kHugePage - 1) / kHugePage * kHugePage);
      // Before the first touch, so the pages are huge from the start.
      if (memory != nullptr) madvise(memory, bytes, MADV_HUGEPAGE);
    } else {
      memory = std::malloc(bytes);
    }
    if (memory == nullptr) throw std::bad_alloc();
    return static_cast<T*>(memory);
  }

  void deallocate(T* memory, std::size_t) noexcept { std::free(memory); }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace s3storm::target
