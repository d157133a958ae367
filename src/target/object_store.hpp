#pragma once

// The target's in-memory buckets, objects and multipart uploads. Thread-safe: one mutex guards the
// maps, and digests and copies of bodies happen outside it. Bodies are shared and immutable, so a
// GET or COPY hands out a pointer instead of copying bytes under the lock. In discard mode only
// sizes and ETags are kept (for calibration at rates where memory would run out).

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// clang-format off
// Boost.StaticString 1.74 in standalone mode uses <limits> without including it.
#include <limits>
#include <boost/static_string/static_string.hpp>
// clang-format on

#include "target/checksums.hpp"
#include "target/key_map.hpp"

namespace s3storm::target {

using Clock = std::chrono::system_clock;
using Metadata = std::vector<std::pair<std::string, std::string>>;  // x-amz-meta-* as received

// Room for every ETag the target makes: 32 hex digits, or "<32 hex digits>-<parts>" after a
// multipart upload of at most 10,000 parts. Held inline, so storing an object and handing back a
// copy allocate nothing for it (a std::string of 32 characters would, twice per PUT).
using Etag = boost::static_strings::static_string<40>;

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};
using TagSet = std::vector<Tag>;  // checked by check_tag_set (target/tagging.hpp)

// A version's id in the store. 0 is S3's "null" version: every object of a bucket that never had
// versioning enabled, and what a suspended bucket writes. Spelled by version_id_text.
using VersionNumber = std::uint64_t;

struct ObjectInfo {
  std::shared_ptr<const std::string> body;  // null in discard mode
  std::uint64_t size = 0;
  Etag etag;  // no quotes; "<hex>-N" after multipart
  std::string content_type;
  Metadata metadata;
  Clock::time_point last_modified;
  std::optional<ObjectChecksum> checksum;  // verified when it was uploaded
  VersionNumber version = 0;
  // Shared and immutable like the body, and null when there are none: an untagged object (the
  // load's) pays one pointer for tags it does not have.
  std::shared_ptr<const TagSet> tags;
};

// One entry of a key's history in a versioned bucket: a version, or a delete marker.
struct ObjectVersion {
  ObjectInfo object;  // for a marker only version and last_modified are set
  bool delete_marker = false;
};

enum class Versioning : std::uint8_t { kUnversioned, kEnabled, kSuspended };

// What a DeleteObject did.
struct DeleteOutcomeInfo {
  bool existed = false;        // the object (or version) was there
  bool delete_marker = false;  // a marker was created, or the version removed was one
  VersionNumber version = 0;   // of the marker created, or of the version removed
  bool versioned = false;      // the bucket has (or had) versioning: the answer names the version
};

struct ListVersionsRequest {
  std::string prefix;
  std::string key_marker;
  std::string version_id_marker;  // as sent; only with key_marker
  int max_keys = 1000;
};

struct VersionSummary {
  std::string key;
  ObjectVersion version;
  bool is_latest = false;
};

struct ListVersionsResult {
  std::vector<VersionSummary> versions;  // key order, newest version first
  bool truncated = false;
  std::string next_key_marker;
  std::string next_version_id_marker;
};

// "null" for 0, else 16 upper-case hex digits.
std::string version_id_text(VersionNumber version);
// The version a client names: nullopt for none, throws InvalidArgument for an id the target
// never issues (S3's answer to a malformed id).
std::optional<VersionNumber> parse_version_id(std::string_view text);

struct BucketInfo {
  std::string name;
  Clock::time_point created;
};

// One entry of a bucket's notification configuration, kept as sent so GET returns it unchanged.
struct NotificationRule {
  std::string element;      // QueueConfiguration, TopicConfiguration, CloudFunctionConfiguration...
  std::string arn_element;  // Queue, Topic, CloudFunction...
  std::string id;
  std::string arn;
  std::vector<std::string> events;  // e.g. "s3:ObjectCreated:*"
  std::string prefix;               // Filter/S3Key rules: the keys the rule is for
  std::string suffix;
  bool filters_key(std::string_view key) const {
    return key.starts_with(prefix) && key.ends_with(suffix);
  }
};
using NotificationRules = std::vector<NotificationRule>;

struct ListRequest {
  std::string prefix;
  std::string delimiter;
  std::string start_after;
  std::string continuation_token;  // opaque, from a previous ListResult
  int max_keys = 1000;
};

struct ObjectSummary {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  Clock::time_point last_modified;
};

struct ListResult {
  std::vector<ObjectSummary> contents;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_continuation_token;
};

struct PartInfo {
  int number = 0;
  std::uint64_t size = 0;
  std::string etag;  // no quotes
  Clock::time_point last_modified;
  std::optional<ObjectChecksum> checksum;
};

// ListParts: the parts so far, and the checksum the upload was created with (S3 names it above
// the parts).
struct PartListing {
  std::vector<PartInfo> parts;
  std::optional<UploadChecksumPlan> checksum;
};

struct UploadInfo {
  std::string key;
  std::string upload_id;
  Clock::time_point initiated;
};

struct CompletePart {
  int number = 0;
  std::string etag;  // quotes allowed, as clients send them
  // The part's checksum the request names (<ChecksumCRC32> ...), as sent; S3 holds it to the
  // stored part's.
  std::optional<std::pair<ChecksumAlgorithm, std::string>> checksum{};
};

// S3 refuses parts below this size unless they are the last one.
inline constexpr std::uint64_t kMinPartSize = 5 * 1024 * 1024;

// Every method throws S3Error with S3's code (NoSuchBucket, NoSuchKey, ...) on failure.
class ObjectStore {
 public:
  explicit ObjectStore(bool discard_bodies = false) : discard_(discard_bodies) {}

  void create_bucket(const std::string& bucket);
  void head_bucket(const std::string& bucket) const;
  std::vector<BucketInfo> list_buckets() const;
  void delete_bucket(const std::string& bucket);

  void set_notification_rules(const std::string& bucket, NotificationRules rules);
  // Null when the bucket has no (or an empty) notification configuration.
  std::shared_ptr<const NotificationRules> notification_rules(const std::string& bucket) const;

  // `checked_sha256`: the body's hex SHA-256 when the caller has verified it against the body.
  // In discard mode the ETag is then its first 32 digits (lower case) instead of an MD5, which
  // saves hashing every body twice; a discarded object's ETag is an opaque tag either way.
  // On a versioned bucket the version is given its id (ObjectInfo::version of the answer).
  // Takes the body: the request's bytes become the object's, uncopied.
  ObjectInfo put_object(const std::string& bucket, const std::string& key, std::string body,
                        std::string content_type, Metadata metadata,
                        std::string_view checked_sha256 = {},
                        std::optional<ObjectChecksum> checksum = {},
                        std::shared_ptr<const TagSet> tags = nullptr);
  // A hint, with no visible effect: a request for this key will follow, so the memory that finds
  // it starts loading now (the target calls it before checking the request's signature).
  void prefetch(const std::string& bucket, std::string_view key) const;
  ObjectInfo get_object(const std::string& bucket, const std::string& key) const;
  // The same, also saying whether the bucket has (or had) versioning, under the same lock: a
  // read of the null version names it ("null") only then.
  ObjectInfo get_object(const std::string& bucket, const std::string& key,
                        bool& bucket_versioned) const;
  // The delete marker that is the key's latest version, if it is one (a GET or HEAD that finds
  // no object names it in its 404).
  std::optional<VersionNumber> latest_delete_marker(const std::string& bucket,
                                                    const std::string& key) const;
  // A given version, or a delete marker. NoSuchVersion when the key has no such version.
  ObjectVersion get_version(const std::string& bucket, const std::string& key,
                            VersionNumber version) const;
  // `replacement` replaces content type and metadata (x-amz-metadata-directive: REPLACE);
  // `tags` the tags (x-amz-tagging-directive: REPLACE), else the source's are copied.
  ObjectInfo copy_object(const std::string& source_bucket, const std::string& source_key,
                         std::optional<VersionNumber> source_version, const std::string& bucket,
                         const std::string& key,
                         std::optional<std::pair<std::string, Metadata>> replacement,
                         std::optional<std::shared_ptr<const TagSet>> tags = std::nullopt);
  // S3 answers success whether or not the key existed. Without a version: removes the object,
  // or on a versioned bucket adds a delete marker. With one: removes that version for good.
  DeleteOutcomeInfo delete_object(const std::string& bucket, const std::string& key,
                                  std::optional<VersionNumber> version = std::nullopt);

  // The tags of the current version (or the given one); NoSuchKey/NoSuchVersion when absent,
  // MethodNotAllowed for a delete marker. Null tags remove them. Returns the version tagged.
  ObjectInfo set_tags(const std::string& bucket, const std::string& key,
                      std::optional<VersionNumber> version, std::shared_ptr<const TagSet> tags);

  void set_versioning(const std::string& bucket, Versioning state);
  Versioning versioning(const std::string& bucket) const;
  ListVersionsResult list_versions(const std::string& bucket,
                                   const ListVersionsRequest& request) const;

  ListResult list_objects(const std::string& bucket, const ListRequest& request) const;

  std::string create_upload(const std::string& bucket, const std::string& key,
                            std::string content_type, Metadata metadata,
                            std::optional<UploadChecksumPlan> checksum = {},
                            std::shared_ptr<const TagSet> tags = nullptr);
  // `checksum`: the part's verified checksum, if it came with one.
  PartInfo upload_part(const std::string& bucket, const std::string& key,
                       const std::string& upload_id, int part_number, std::string body,
                       std::optional<ObjectChecksum> checksum = {});
  // The object's checksum follows the upload's plan: the composite of the parts' checksums (all
  // parts must carry one of the plan's algorithm, or InvalidRequest), or one over the whole body.
  // `declared` is the request's x-amz-checksum-* header, the whole object's checksum: one of
  // another algorithm is InvalidRequest, another value BadDigest, and the upload stays open.
  ObjectInfo complete_upload(
      const std::string& bucket, const std::string& key, const std::string& upload_id,
      const std::vector<CompletePart>& parts,
      std::optional<std::pair<ChecksumAlgorithm, std::string_view>> declared = {});
  void abort_upload(const std::string& bucket, const std::string& key,
                    const std::string& upload_id);
  std::vector<UploadInfo> list_uploads(const std::string& bucket, const std::string& prefix) const;
  PartListing list_parts(const std::string& bucket, const std::string& key,
                         const std::string& upload_id) const;

  bool discards_bodies() const { return discard_; }

 private:
  struct StoredPart {
    PartInfo info;
    std::array<std::uint8_t, 16> md5{};
    std::shared_ptr<const std::string> body;
  };
  struct Upload {
    std::string bucket;
    std::string key;
    std::string content_type;
    Metadata metadata;
    std::shared_ptr<const TagSet> tags;
    Clock::time_point initiated;
    std::optional<UploadChecksumPlan> checksum;
    std::map<int, StoredPart> parts;
  };
  using ObjectMap = KeyMap<ObjectInfo>;
  struct Bucket {
    Clock::time_point created;
    // Hashed, not ordered: a PUT-heavy load adds a key per request, and a tree of strings (then
    // a node-based hash map) was the target's largest user-space cost natively.
    ObjectMap objects;
    // Listings need key order: the keys are sorted on the first listing after one was added or
    // removed, so paging through a bucket that is not being written sorts it once.
    mutable std::vector<const ObjectMap::Entry*> sorted;
    mutable bool sorted_valid = false;
    std::shared_ptr<const NotificationRules> notifications;
    Versioning versioning = Versioning::kUnversioned;
    // Only for keys written or deleted since versioning was first enabled: each one's versions
    // and delete markers, oldest first. `objects` keeps serving the newest version that is not
    // a marker, so plain reads and listings do not look here, and an unversioned bucket keeps
    // nothing but `objects`.
    std::map<std::string, std::vector<ObjectVersion>, std::less<>> history;

    // Stores a new current version; gives `object` its version number on a versioned bucket.
    void put(const std::string& key, ObjectInfo& object, VersionNumber& next_version);
    bool erase(const std::string& key);  // whether the key was there
    // The key's history, started with the version it had before versioning when it is new.
    std::vector<ObjectVersion>& history_of(const std::string& key);
    // After the history's newest entry changed: `objects` serves it again.
    void refresh_current(const std::string& key, const std::vector<ObjectVersion>& versions);
    const std::vector<const ObjectMap::Entry*>& in_key_order() const;
  };

  // Before the upload is consumed: a composite needs every part's checksum, stored with the part
  // and named in the request (InvalidRequest). `named` and `parts` are in the same order.
  static void check_declared_object_checksum(
      const std::pair<ChecksumAlgorithm, std::string_view>& declared, const ObjectChecksum& actual);
  static void require_part_checksums(const UploadChecksumPlan& plan,
                                     const std::vector<CompletePart>& named,
                                     const std::vector<StoredPart>& parts);
  static std::optional<ObjectChecksum> upload_checksum(
      const UploadChecksumPlan& plan, const std::vector<StoredPart>& parts,
      const std::shared_ptr<const std::string>& body);

  Bucket& bucket_or_throw(const std::string& bucket);
  const Bucket& bucket_or_throw(const std::string& bucket) const;
  Upload& upload_or_throw(const std::string& bucket, const std::string& key,
                          const std::string& upload_id);
  const Upload& upload_or_throw(const std::string& bucket, const std::string& key,
                                const std::string& upload_id) const;

  const bool discard_;
  mutable std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
  std::map<std::string, Upload> uploads_;  // by upload id
  std::uint64_t next_upload_ = 0;
  // Seeded from the clock, so ids are not reused across restarts of a long-lived target.
  VersionNumber next_version_ = static_cast<VersionNumber>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
          .count());
};

// S3's rules for bucket names (3-63 characters of a-z 0-9 . -, starting and ending alphanumeric).
bool is_valid_bucket_name(std::string_view name);

}  // namespace s3storm::target
