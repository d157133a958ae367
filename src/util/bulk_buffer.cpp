#include "util/bulk_buffer.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>
#include <utility>

namespace s3storm {

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t round_up(std::size_t size, std::size_t unit) {
  return (size + unit - 1) / unit * unit;
}

}  // namespace

BulkBuffer::~BulkBuffer() {
  release();
}

BulkBuffer::BulkBuffer(BulkBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      capacity_(std::exchange(other.capacity_, 0)),
      mapping_(std::exchange(other.mapping_, nullptr)),
      mapped_(std::exchange(other.mapped_, 0)) {}

BulkBuffer& BulkBuffer::operator=(BulkBuffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapped_ = std::exchange(other.mapped_, 0);
  }
  return *this;
}

void BulkBuffer::grow_to(std::size_t size) {
  if (size <= capacity_) return;
  release();
  if (size < kHugePage) {
    data_ = static_cast<char*>(::operator new(size));
    capacity_ = size;
    return;
  }
  const std::size_t usable = round_up(size, kHugePage);
  // Mapped one huge page larger, so an aligned start always fits inside.
  const std::size_t mapped = usable + kHugePage;
  void* mapping = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) throw std::bad_alloc();
  const auto address = reinterpret_cast<std::uintptr_t>(mapping);
  data_ = static_cast<char*>(mapping) + (round_up(address, kHugePage) - address);
  // Advice only: where transparent huge pages are off, the buffer is on small pages.
  madvise(data_, usable, MADV_HUGEPAGE);
  capacity_ = usable;
  mapping_ = mapping;
  mapped_ = mapped;
}

void BulkBuffer::release() {
  if (mapping_ != nullptr) {
    munmap(mapping_, mapped_);
  } else {
    ::operator delete(data_);
  }
  data_ = nullptr;
  capacity_ = 0;
  mapping_ = nullptr;
  mapped_ = 0;
}

}  // namespace s3storm
